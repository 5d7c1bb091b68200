package dev.modelserving.predictionlog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A full buffer is written at once, without waiting for the (here: hour-long) flush interval. */
@QuarkusTest
@TestProfile(PredictionLogEarlyFlushTest.TinyBuffer.class)
class PredictionLogEarlyFlushTest {

    static final Path LOG = Path.of("target", "early-flush-predictions.jsonl");

    public static class TinyBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.prediction-log.buffer-size", "5", "app.prediction-log.flush-interval", "1h",
                    "app.prediction-log.path", LOG.toString());
        }
    }

    @Test
    void aFullBufferIsFlushedEarly() throws Exception {
        Files.deleteIfExists(LOG);
        String token = Api.newUserToken();
        for (int i = 0; i < 5; i++) {
            given().auth().oauth2(token).contentType("image/png").body(Fixtures.all().get(i).bytes())
                    .post("/predictions").then().statusCode(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(LOG) && Files.readAllLines(LOG).size() >= 5);
        assertThat(Files.readAllLines(LOG)).hasSize(5);

        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).contains("prediction_log_lines_written_total").contains("prediction_log_flush_seconds")
                .contains("tasks_queued").contains("tasks_running").contains("tasks_duration_seconds");
    }
}
