package dev.modelserving.predictionlog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelserving.support.Api;
import dev.modelserving.support.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The prediction log shipped to a real Kafka broker (started by the tests), while the log rotates every few lines: each
 * prediction arrives once as a CloudEvent carrying its line, also after the broker was away for a while.
 */
@QuarkusTest
@TestProfile(PredictionLogShippingTest.Shipped.class)
class PredictionLogShippingTest {

    static final Path DIR = Path.of("target", "shipping-" + UUID.randomUUID().toString().substring(0, 8));
    static final String TOPIC = KafkaBroker.shared().newTopic("predictions", 3);

    public static class Shipped implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.prediction-log.path", DIR.resolve("predictions.jsonl").toString(),
                    "app.prediction-log.max-file-size", "4K", "app.prediction-log.max-files", "1000",
                    "app.prediction-log.flush-interval", "200ms",
                    "app.prediction-log.kafka.bootstrap-servers", KafkaBroker.shared().bootstrapServers(),
                    "app.prediction-log.kafka.topic", TOPIC, "app.prediction-log.kafka.send-timeout", "60s",
                    "app.prediction-log.kafka.max-retry-backoff", "1s");
        }
    }

    @Inject
    PredictionLog log;

    @Test
    void everyPredictionIsOneCloudEventCarryingItsLine() throws Exception {
        Set<String> before = ShippingFixture.lines(DIR).keySet();
        ShippingFixture.predict(Api.newUserToken(), 80);
        log.flush();
        Map<String, String> lines = ShippingFixture.lines(DIR);
        lines.keySet().removeAll(before);
        assertThat(lines).hasSize(80);

        Map<String, ConsumerRecord<String, byte[]>> events = eventsFor(lines.keySet());
        for (Map.Entry<String, String> line : lines.entrySet()) {
            ConsumerRecord<String, byte[]> event = events.get(line.getKey());
            JsonNode record = ShippingFixture.json(line.getValue());
            assertThat(new String(event.value(), StandardCharsets.UTF_8)).isEqualTo(line.getValue());
            assertThat(event.key()).isEqualTo(record.path("model").asText()).isNotBlank();
            assertThat(ShippingFixture.header(event, "ce_specversion")).isEqualTo("1.0");
            assertThat(ShippingFixture.header(event, "ce_type")).isEqualTo("dev.modelserving.prediction");
            assertThat(ShippingFixture.header(event, "ce_source")).startsWith("/model-serving/").hasSizeGreaterThan(15);
            assertThat(ShippingFixture.header(event, "ce_subject")).isEqualTo(record.path("model").asText());
            assertThat(Instant.parse(ShippingFixture.header(event, "ce_time")))
                    .isEqualTo(Instant.parse(record.path("timestamp").asText()));
            assertThat(ShippingFixture.header(event, "content-type")).isEqualTo("application/json");
        }
        // One model's events keep their order: one key, one partition, in the order of the lines.
        assertThat(events.values().stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
        assertThat(List.copyOf(events.keySet())).isEqualTo(List.copyOf(lines.keySet()));

        // Rotated every few lines: the events came from several files; the position is on disk.
        try (var files = Files.list(DIR)) {
            assertThat(files.filter(f -> f.getFileName().toString().matches("predictions-\\d+-.*\\.jsonl")))
                    .hasSizeGreaterThan(3);
        }
        assertThat(DIR.resolve("predictions.jsonl.offset")).exists();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ShippingFixture.metric("prediction_log_events_pending")).isZero());
        assertThat(ShippingFixture.metric("prediction_log_events_sent_total")).isGreaterThanOrEqualTo(80);
    }

    @Test
    void eventsWaitWhileTheBrokerIsAwayAndArriveOnceWhenItIsBack() throws Exception {
        String token = Api.newUserToken();
        Set<String> before = ShippingFixture.lines(DIR).keySet();
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<List<Long>> times = load.submit(() -> ShippingFixture.predict(token, 160));
        Thread.sleep(300);
        long stopped = System.nanoTime();
        KafkaBroker.shared().stop();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(ShippingFixture.metric("prediction_log_events_pending")).isPositive();
                JsonPath ready = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
                assertThat(ready.getString("checks.find { it.name == 'prediction-log-shipping' }.status"))
                        .isEqualTo("UP");
                assertThat(ready.getString("checks.find { it.name == 'prediction-log-shipping' }.data.state"))
                        .startsWith("waiting for the broker");
            });
            times.get(120, TimeUnit.SECONDS);
            log.flush();
            // Away for 8 s at least, predictions made meanwhile.
            Thread.sleep(Math.max(0, 8000 - (System.nanoTime() - stopped) / 1_000_000));
            assertThat(ShippingFixture.metric("prediction_log_shipping_lag_seconds")).isPositive();
        } finally {
            KafkaBroker.shared().start();
            load.shutdown();
        }
        // The requests never waited for the broker: none took half as long as it was away.
        assertThat(Collections.max(times.get())).isLessThan(4000);

        Map<String, String> lines = ShippingFixture.lines(DIR);
        lines.keySet().removeAll(before);
        assertThat(lines).hasSize(160);
        Map<String, ConsumerRecord<String, byte[]>> events = eventsFor(lines.keySet());
        assertThat(events.keySet()).containsAll(lines.keySet());
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(ShippingFixture.metric("prediction_log_shipping_lag_seconds")).isZero());
    }

    /** Reads the topic until every id has come (each once), and returns those events by id. */
    private static Map<String, ConsumerRecord<String, byte[]>> eventsFor(Set<String> ids) {
        Map<String, ConsumerRecord<String, byte[]>> all = ShippingFixture.byId(KafkaBroker.shared().readUntil(TOPIC,
                records -> records.stream().map(r -> ShippingFixture.header(r, "ce_id"))
                        .collect(java.util.stream.Collectors.toSet()).containsAll(ids),
                Duration.ofSeconds(90)));
        Set<String> missing = new HashSet<>(ids);
        missing.removeAll(all.keySet());
        assertThat(missing).as("events never delivered").isEmpty();
        all.keySet().retainAll(ids);
        return all;
    }
}
