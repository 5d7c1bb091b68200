package dev.modelserving.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of generated malformed requests against the running application: mutated JSON for every JSON endpoint,
 * damaged pictures, broken multipart bodies, odd headers, query and path values. Whatever is sent, the answer comes
 * within a deadline, is never a 500, and every error is a problem document; the service is still ready afterwards. The
 * seed is fixed so that a failure can be replayed; it is printed with each failing request.
 */
@QuarkusTest
class MalformedRequestFuzzTest {

    private static final long SEED = 20261202L;
    private static final int ROUNDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FRAGMENTS = {"{", "}", "[", "]", "\"", ",", ":", "null", "true", "1e999999",
            "-0", "NaN", "\\u0000", "\\ud800", "\u0000", "\uFFFF", "9".repeat(400), "[".repeat(300), "\"x\"", "{}",
            "[]",
            "0.5", "-1", "\n", " ", "\t", "\\"};

    private final Random random = new Random(SEED);
    /** HTTP/1.1: what the fuzz is about is the content, not the HTTP/2 upgrade the client would try first. */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> failures = new ArrayList<>();
    private int sent;

    private record Attempt(String method, String path, String contentType, byte[] body, String header,
            String headerValue) {
    }

    @Test
    void noMalformedRequestGetsA500OrHangsAndTheServiceStaysReady() throws Exception {
        String token = Api.newUserToken();
        List<Supplier<Attempt>> generators = List.of(
                () -> json("POST", "/users", "{\"username\":\"fuzz" + random.nextInt(1_000_000)
                        + "\",\"password\":\"" + Api.PASSWORD + "\",\"displayName\":\"F\"}"),
                () -> json("POST", "/auth/token", "{\"username\":\"fuzz\",\"password\":\"" + Api.PASSWORD + "\"}"),
                () -> json("POST", "/orders", "{\"items\":[{\"pixels\":" + pixels() + "}]}"),
                () -> json("POST", "/v2/models/fashion-mnist/infer", "{\"id\":\"1\",\"inputs\":[{\"name\":\"input\","
                        + "\"shape\":[1,784],\"datatype\":\"FP32\",\"data\":" + pixels() + "}]}"),
                this::picture,
                this::multipart,
                this::header,
                this::parameter);
        for (int round = 0; round < ROUNDS; round++) {
            for (Supplier<Attempt> generator : generators) {
                send(generator.get(), token);
            }
        }
        assertThat(sent).isGreaterThanOrEqualTo(400);
        assertThat(failures).as("seed " + SEED).isEmpty();
        HttpResponse<String> ready = client.send(request("GET", "/q/health/ready", null, null, null, null),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    private String pixels() {
        StringBuilder values = new StringBuilder("[");
        for (int i = 0; i < 784; i++) {
            values.append(i == 0 ? "" : ",").append(random.nextInt(100) / 100f);
        }
        return values.append(']').toString();
    }

    /** A valid body with a few random edits: characters deleted, fragments inserted, a tail cut off. */
    private Attempt json(String method, String path, String valid) {
        StringBuilder body = new StringBuilder(valid);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && body.length() > 0; i++) {
            int at = random.nextInt(body.length());
            switch (random.nextInt(4)) {
                case 0 -> body.deleteCharAt(at);
                case 1 -> body.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                case 2 -> body.setLength(at);
                default -> body.replace(at, Math.min(body.length(), at + 1 + random.nextInt(20)),
                        FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            }
        }
        return new Attempt(method, path, "application/json", body.toString().getBytes(StandardCharsets.UTF_8), null,
                null);
    }

    /** A real picture with bytes flipped, cut short, or its PNG header's width and height rewritten. */
    private Attempt picture() {
        byte[] png = Fixtures.all().get(random.nextInt(Fixtures.all().size())).bytes().clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(20); i++) {
                    png[random.nextInt(png.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> png = Arrays.copyOf(png, random.nextInt(png.length));
            default -> {
                // IHDR width and height: bytes 16..23
                for (int i = 16; i < 24; i++) {
                    png[i] = (byte) random.nextInt(256);
                }
            }
        }
        String type = random.nextBoolean() ? "image/png" : "image/jpeg";
        return new Attempt("POST", "/predictions", type, png, null, null);
    }

    /** Multipart orders whose boundary, part headers or closing are wrong, or whose parts are not pictures. */
    private Attempt multipart() {
        String boundary = "b" + random.nextInt(1000);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int parts = random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            String name = random.nextBoolean() ? "images" : FRAGMENTS[random.nextInt(FRAGMENTS.length)];
            body.writeBytes(("--" + (random.nextInt(5) == 0 ? "other" : boundary) + "\r\nContent-Disposition: "
                    + "form-data; name=\"" + name + "\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            byte[] content = random.nextBoolean()
                    ? Fixtures.first().bytes()
                    : FRAGMENTS[random.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.UTF_8);
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        if (random.nextBoolean()) {
            body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        }
        String type = random.nextInt(4) == 0 ? "multipart/form-data" : "multipart/form-data; boundary=" + boundary;
        return new Attempt("POST", "/orders", type, body.toByteArray(), null, null);
    }

    /** Valid requests with one odd header: content types, accepted types, keys, tokens, request ids. */
    private Attempt header() {
        String[] names = {"Content-Type", "Accept", "Idempotency-Key", "Authorization", "X-Request-Id", "Prefer"};
        String[] values = {"", " ", "application/json; charset=ebcdic", "*/*;q=x", "text/html", "Bearer",
                "Bearer " + "a".repeat(2000), "Basic Zm9vOmJhcg==", "x".repeat(300), "respond-async, respond-async",
                "image/png; boundary=", "multipart/form-data; boundary=\"\"", "application/problem+json"};
        String name = names[random.nextInt(names.length)];
        String value = values[random.nextInt(values.length)];
        byte[] body = ("{\"items\":[{\"pixels\":" + pixels() + "}]}").getBytes(StandardCharsets.UTF_8);
        return new Attempt("POST", "/orders", "application/json", body, name, value);
    }

    /** Query and path values of the wrong type, out of range, or strange. */
    private Attempt parameter() {
        String[] values = {"-1", "0", "999999999999", "abc", "%20", "..", "%2e%2e", "null", "1e3", "RUNNING%00",
                "%ff%fe", "😀", "a".repeat(500)};
        String value = values[random.nextInt(values.length)];
        String[] paths = {"/tasks?state=" + value, "/tasks?page=" + value + "&size=" + value, "/tasks/" + value,
                "/tasks/" + value + "?wait=" + value, "/orders/" + value, "/orders/me?size=" + value,
                "/users/" + value, "/v2/models/" + value, "/v2/models/" + value + "/ready"};
        String path = paths[random.nextInt(paths.length)];
        String method = random.nextInt(4) == 0 ? "DELETE" : "GET";
        return new Attempt(method, path, null, null, null, null);
    }

    private HttpRequest request(String method, String path, String contentType, byte[] body, String header,
            String headerValue) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null && !"Content-Type".equals(header)) {
            builder.header("Content-Type", contentType);
        }
        if (header != null) {
            builder.setHeader(header, headerValue);
        }
        return builder.build();
    }

    private void send(Attempt attempt, String token) {
        HttpRequest request;
        try {
            request = request(attempt.method(), attempt.path(), attempt.contentType(), attempt.body(),
                    attempt.header(), attempt.headerValue());
            if (!"Authorization".equals(attempt.header())) {
                request = HttpRequest.newBuilder(request, (name, value) -> true)
                        .header("Authorization", "Bearer " + token).build();
            }
        } catch (IllegalArgumentException notSendable) {
            return; // the client refuses it (e.g. a space in a path): no request to test
        }
        sent++;
        String what = attempt.method() + " " + attempt.path() + " " + attempt.header() + "=" + attempt.headerValue()
                + " body " + (attempt.body() == null
                        ? "-"
                        : new String(attempt.body(), 0,
                                Math.min(200, attempt.body().length), StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status >= 500 && status != 503) {
                failures.add(status + " for " + what + ": " + response.body());
            } else if (status >= 400) {
                String type = response.headers().firstValue("Content-Type").orElse("");
                JsonNode problem = type.startsWith("application/problem+json")
                        ? JSON.readTree(response.body())
                        : null;
                if (problem == null || problem.path("status").asInt() != status
                        || problem.path("detail").asText().isBlank()) {
                    failures.add(status + " without a problem document for " + what + ": " + type + " "
                            + response.body());
                }
            }
        } catch (HttpTimeoutException e) {
            failures.add("no answer within 20 s for " + what);
        } catch (Exception e) {
            failures.add(e + " for " + what);
        }
    }
}
