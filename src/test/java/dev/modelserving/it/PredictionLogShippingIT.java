package dev.modelserving.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.KafkaBroker;
import dev.modelserving.support.PackagedApp;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The packaged application with the broker down: N predictions, SIGTERM (the shipper gives up when the shutdown time is
 * over), the broker back, a new start from the same directory: all N events arrive, each once.
 */
class PredictionLogShippingIT {

    private static final int PREDICTIONS = 40;

    @Test
    void eventsLeftAtSigtermAreSentByTheNextStart() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "shipping-it-").toAbsolutePath();
        ObjectMapper json = new ObjectMapper();
        HttpClient client = HttpClient.newHttpClient();
        try (KafkaBroker broker = KafkaBroker.create()) {
            broker.start();
            String topic = broker.newTopic("sigterm", 1);
            broker.stop();
            Map<String, String> properties = Map.of(
                    "app.prediction-log.path", work.resolve("predictions.jsonl").toString(),
                    "app.prediction-log.kafka.bootstrap-servers", broker.bootstrapServers(),
                    "app.prediction-log.kafka.topic", topic,
                    "app.prediction-log.kafka.send-timeout", "5s",
                    "app.admin.password", PackagedApp.ADMIN_PASSWORD,
                    "quarkus.shutdown.delay", "0s",
                    "quarkus.shutdown.timeout", "3s");
            try (PackagedApp app = PackagedApp.startServer(properties, work)) {
                String token = app.adminToken();
                List<Fixtures.Fixture> fixtures = Fixtures.all();
                for (int i = 0; i < PREDICTIONS; i++) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(app.uri("/predictions"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "image/png")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(fixtures.get(i % fixtures.size()).bytes()))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                }
                app.terminate(Duration.ofSeconds(30));
                assertThat(app.output())
                        .contains("Prediction log: " + PREDICTIONS + " event(s) not sent before shutdown");
            }
            Set<String> ids = new HashSet<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(work, "predictions*.jsonl")) {
                for (Path file : files) {
                    for (String line : Files.readAllLines(file)) {
                        ids.add(json.readTree(line).path("id").asText());
                    }
                }
            }
            assertThat(ids).hasSize(PREDICTIONS);

            broker.start();
            try (PackagedApp app = PackagedApp.startServer(properties, work)) {
                List<ConsumerRecord<String, byte[]>> events = broker.readUntil(topic,
                        records -> records.size() >= PREDICTIONS, Duration.ofSeconds(60));
                List<String> sent = events.stream()
                        .map(e -> new String(e.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))
                        .toList();
                assertThat(sent).doesNotHaveDuplicates();
                assertThat(new HashSet<>(sent)).isEqualTo(ids);
                app.terminate(Duration.ofSeconds(30));
                assertThat(app.output()).contains("Prediction log: every event sent before shutdown (40 in all");
            }
        }
    }
}
