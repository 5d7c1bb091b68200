package dev.modelserving.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.PackagedApp;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM as Kubernetes sends it: during the shutdown delay the process still answers, readiness is DOWN, and a new
 * background task is refused with a 503 problem instead of being accepted and then lost.
 */
class ShutdownIT {

    @Test
    void afterSigtermNoNewTaskIsAccepted() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "shutdown-").toAbsolutePath();
        Map<String, String> properties = Map.of(
                "app.prediction-log.path", work.resolve("predictions.jsonl").toString(),
                "app.admin.password", PackagedApp.ADMIN_PASSWORD,
                "quarkus.shutdown.delay", "4s");
        ObjectMapper json = new ObjectMapper();
        HttpClient client = HttpClient.newHttpClient();
        try (PackagedApp app = PackagedApp.startServer(properties, work)) {
            String token = app.adminToken();
            String order = "{\"items\":[{\"image\":\"" + Base64.getEncoder().encodeToString(Fixtures.first().bytes())
                    + "\"}]}";
            HttpRequest asyncOrder = HttpRequest.newBuilder(app.uri("/orders"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Prefer", "respond-async").POST(HttpRequest.BodyPublishers.ofString(order)).build();
            assertThat(client.send(asyncOrder, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);

            app.signalTerm();
            HttpResponse<String> ready = null;
            for (int i = 0; i < 40; i++) {
                ready = client.send(HttpRequest.newBuilder(app.uri("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 503) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(ready.statusCode()).as("readiness during the shutdown delay").isEqualTo(503);

            HttpResponse<String> refused = client.send(asyncOrder, HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(json.readTree(refused.body()).path("detail").asText()).contains("shutting down");

            assertThat(app.awaitExit(Duration.ofSeconds(30))).isIn(0, 143);
        }
    }
}
