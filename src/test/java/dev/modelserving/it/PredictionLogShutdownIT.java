package dev.modelserving.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.PackagedApp;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * N predictions answered 200, then SIGTERM: the prediction log holds exactly N lines, each valid JSON. The flush
 * interval is set far beyond the test's length, so only the flush on shutdown can have written them.
 */
class PredictionLogShutdownIT {

    private static final int PREDICTIONS = 40;

    @Test
    void sigtermFlushesEveryAnsweredPrediction() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "sigterm-").toAbsolutePath();
        Path log = work.resolve("predictions.jsonl");
        Map<String, String> properties = Map.of(
                "app.prediction-log.path", log.toString(),
                "app.prediction-log.flush-interval", "1h",
                "app.admin.password", PackagedApp.ADMIN_PASSWORD,
                "quarkus.shutdown.delay", "0s");
        ObjectMapper json = new ObjectMapper();
        HttpClient client = HttpClient.newHttpClient();
        try (PackagedApp app = PackagedApp.startServer(properties, work)) {
            String token = app.adminToken();
            List<Fixtures.Fixture> fixtures = Fixtures.all();
            int answered = 0;
            for (int i = 0; i < PREDICTIONS; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(app.uri("/predictions"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "image/png")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(fixtures.get(i % fixtures.size()).bytes()))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                answered++;
            }
            assertThat(Files.exists(log)).as("nothing is written before the flush").isFalse();

            app.terminate(Duration.ofSeconds(30));

            assertThat(app.output()).contains("Prediction log flushed on shutdown: " + answered);
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).hasSize(answered);
            for (String line : lines) {
                JsonNode record = json.readTree(line);
                assertThat(record.path("user").asText()).isEqualTo("admin");
                assertThat(record.path("label").asText()).isNotBlank();
            }
        }
    }
}
