package dev.modelserving.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.support.Api;
import dev.modelserving.support.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The broker away long enough for the unsent lines to pass {@code spool-max-bytes}: the oldest unsent files are
 * deleted, and when the broker is back exactly the lines of those files are missing — as many as the drop counter says.
 */
@QuarkusTest
@TestProfile(SpoolLimitTest.SmallSpool.class)
class SpoolLimitTest {

    static final Path DIR = Path.of("target", "spool-" + UUID.randomUUID().toString().substring(0, 8));
    static final String TOPIC = KafkaBroker.shared().newTopic("spool", 1);
    static final int PREDICTIONS = 120;

    public static class SmallSpool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.prediction-log.path", DIR.resolve("predictions.jsonl").toString(),
                    "app.prediction-log.max-file-size", "2K", "app.prediction-log.max-files", "1",
                    "app.prediction-log.spool-max-bytes", "6K", "app.prediction-log.flush-interval", "200ms",
                    "app.prediction-log.kafka.bootstrap-servers", KafkaBroker.shared().bootstrapServers(),
                    "app.prediction-log.kafka.topic", TOPIC, "app.prediction-log.kafka.send-timeout", "2s",
                    "app.prediction-log.kafka.max-retry-backoff", "500ms");
        }
    }

    @Inject
    PredictionLog log;

    @Inject
    PredictionLogShipper shipper;

    @Test
    void theDropCounterEqualsTheEventsThatNeverArrive() throws Exception {
        String token = Api.newUserToken();
        KafkaBroker.shared().stop();
        Set<String> written = new HashSet<>();
        try {
            // In rounds, so that files rotate and the spool limit is applied between the shipper's attempts.
            for (int round = 0; round < 4; round++) {
                // The files are read after every prediction: the line just written is in the current file, which is
                // never dropped, while a file of several lines can be dropped before a read at the end of the round.
                for (int i = 0; i < PREDICTIONS / 4; i++) {
                    ShippingFixture.predict(token, 1);
                    log.flush();
                    written.addAll(ShippingFixture.lines(DIR).keySet());
                }
                Thread.sleep(2500);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> shipper.droppedCount() > 0);
        } finally {
            KafkaBroker.shared().start();
        }
        assertThat(written).hasSize(PREDICTIONS);
        await().atMost(Duration.ofSeconds(60)).until(() -> shipper.pending() == 0);

        long dropped = shipper.droppedCount();
        // Distinct ids: with a send timeout this short, an attempt that timed out may have been stored and be sent again
        // (at least once); PredictionLogShippingTest checks that none is sent twice within the producer's timeout.
        Set<String> events = KafkaBroker.shared()
                .readUntil(TOPIC, records -> records.size() >= PREDICTIONS - dropped, Duration.ofSeconds(60)).stream()
                .map(record -> ShippingFixture.header(record, "ce_id")).collect(Collectors.toSet());
        assertThat(written).containsAll(events);
        assertThat(events).hasSize((int) (PREDICTIONS - dropped));
        assertThat(dropped).isLessThan(PREDICTIONS);
        assertThat(ShippingFixture.metric("prediction_log_events_dropped_total")).isEqualTo((double) dropped);

        // Everything sent: the rotated files beyond max-files (1) are deleted; the offset file says where it ended.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (var files = Files.list(DIR)) {
                assertThat(files.filter(f -> f.getFileName().toString().matches("predictions-\\d+-.*\\.jsonl")))
                        .hasSizeLessThanOrEqualTo(1);
            }
        });
        assertThat(DIR.resolve("predictions.jsonl.offset")).exists();
    }
}
