package dev.modelserving.model;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Api;
import dev.modelserving.support.OnnxModels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Hot swaps under concurrent load. Version k of the model answers k whatever it is given, so every answer says which
 * version produced it, and that must be the version the answer names. Five new versions (each picked up by the poll;
 * every other one also loaded at once by the load call), a corrupt one, and a sixth swap by removing the newest
 * versions, while four clients send requests without pause: not one answer other than 200, readiness never DOWN, and
 * every replaced session closed.
 */
@QuarkusTest
@TestProfile(HotSwapTest.SwapRepository.class)
class HotSwapTest {

    static final Path REPOSITORY = Path.of("target", "test-repositories", "swap").toAbsolutePath();
    static final Path STAGING = Path.of("target", "test-repositories", "swap-staging").toAbsolutePath();
    private static final String MODEL = "answers";
    private static final int CLIENTS = 4;
    private static final int AT_LEAST = 3000;

    public static class SwapRepository implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            delete(REPOSITORY);
            delete(STAGING);
            OnnxModels.writeModel(REPOSITORY, MODEL, 1, answering(1), "{\"versionPolicy\": {\"latest\": 1}}");
            return Map.of("app.models.repository", REPOSITORY.toString(), "app.models.poll-interval", "200ms");
        }
    }

    @TestHTTPResource("/v2/models/" + MODEL + "/infer")
    URI infer;

    @TestHTTPResource("/q/health/ready")
    URI readiness;

    private final ObjectMapper json = new ObjectMapper();

    /** Version k answers k, after a 512 x 512 layer of work a row: runs are in progress when a swap happens. */
    static byte[] answering(int k) {
        return OnnxModels.constantAfterWork(k, 512);
    }

    @Test
    void swapsUnderLoadLoseNoRequestAndCloseEveryReplacedSession() throws Exception {
        String token = Api.newUserToken();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(infer).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[5]}]}"))
                .build();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            threads.add(started(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            wrong.add(response.statusCode() + " " + response.body());
                            continue;
                        }
                        JsonNode body = json.readTree(response.body());
                        String version = body.path("model_version").asText();
                        float answer = body.path("outputs").path(0).path("data").path(0).floatValue();
                        if (answer != Float.parseFloat(version)) {
                            wrong.add("version " + version + " answered " + answer);
                        }
                        versionsSeen.add(version);
                        answered.incrementAndGet();
                    } catch (IOException | InterruptedException e) {
                        wrong.add(e.toString());
                    }
                }
            }));
        }
        threads.add(started(() -> {
            HttpRequest ready = HttpRequest.newBuilder(readiness).build();
            while (running.get()) {
                try {
                    HttpResponse<String> response = client.send(ready, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        wrong.add("readiness " + response.statusCode() + " " + response.body());
                    }
                    Thread.sleep(50);
                } catch (IOException | InterruptedException e) {
                    wrong.add(e.toString());
                }
            }
        }));
        try {
            awaitVersion(client, request, "1");
            for (int version = 2; version <= 6; version++) {
                publish(version, answering(version));
                if (version % 2 == 1) {
                    Response loaded = given().auth().oauth2(Api.adminToken())
                            .post("/v2/repository/models/" + MODEL + "/load");
                    assertThat(loaded.statusCode()).as(loaded.asString()).isEqualTo(200);
                    assertThat(loaded.jsonPath().getList("state")).containsExactly("READY");
                    assertThat(answerVersion(client, request)).as("the load call swaps at once").isEqualTo(
                            String.valueOf(version));
                }
                awaitVersion(client, request, String.valueOf(version));
            }
            // A corrupt new version: the load call says why, and version 6 keeps serving.
            publish(7, "not an ONNX file".getBytes());
            Response corrupt = given().auth().oauth2(Api.adminToken())
                    .post("/v2/repository/models/" + MODEL + "/load");
            assertThat(corrupt.statusCode()).as(corrupt.asString()).isEqualTo(200);
            assertThat(corrupt.asString()).contains("7/model.onnx cannot be served");
            Thread.sleep(1000);
            assertThat(answerVersion(client, request)).isEqualTo("6");
            // Removing versions: the newest left (5) is loaded again and swapped in.
            delete(REPOSITORY.resolve(MODEL).resolve("7"));
            delete(REPOSITORY.resolve(MODEL).resolve("6"));
            awaitVersion(client, request, "5");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= AT_LEAST);
        } finally {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
        assertThat(wrong).as("answers other than a 200 from the version that produced them").isEmpty();
        assertThat(answered.get()).isGreaterThanOrEqualTo(AT_LEAST);
        assertThat(versionsSeen).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6");
        // Versions 1 to 6 each replaced once, so six sessions closed, each after its last request.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closedSessions())
                .isEqualTo(6));
        Response index = given().auth().oauth2(token).get("/models");
        assertThat(index.jsonPath().getList("models.version")).containsExactly("5");
    }

    private static Thread started(Runnable work) {
        Thread thread = new Thread(work, "hot-swap-client");
        thread.start();
        return thread;
    }

    private double closedSessions() {
        return given().get("/q/metrics").asString().lines()
                .filter(line -> line.startsWith("model_sessions_closed_total{") && line.contains(MODEL))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** Writes the version beside the repository, then moves it in with one rename: a poll never sees half a file. */
    private static void publish(int version, byte[] model) throws IOException {
        Path staged = OnnxModels.writeModel(STAGING, MODEL, version, model, null);
        Files.move(staged, REPOSITORY.resolve(MODEL).resolve(String.valueOf(version)),
                StandardCopyOption.ATOMIC_MOVE);
    }

    private String answerVersion(HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).path("model_version").asText();
    }

    private void awaitVersion(HttpClient client, HttpRequest request, String version) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> answerVersion(client, request).equals(version));
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
