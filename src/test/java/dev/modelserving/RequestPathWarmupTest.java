package dev.modelserving;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.predictionlog.PredictionLog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The warm-up as a new replica runs it: readiness waits for it, every loopback request is answered as expected (the
 * summary would name any that is not), and it leaves nothing in the prediction log.
 */
@QuarkusTest
@TestProfile(RequestPathWarmupTest.WarmupOn.class)
class RequestPathWarmupTest {

    static final Path LOG = Path.of("target", "warmup-predictions.jsonl");

    public static class WarmupOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.warmup.enabled", "true", "app.warmup.rounds", "2",
                    "app.prediction-log.path", LOG.toString());
        }
    }

    @Inject
    PredictionLog predictionLog;

    @Test
    void readinessWaitsForARunWithOnlyExpectedAnswersAndNothingLogged() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);

        JsonPath health = given().get("/q/health/ready").jsonPath();
        Map<String, Object> check = health.getMap("checks.find { it.name == 'request-paths' }");
        assertThat(check).containsEntry("status", "UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) check.get("data");
        assertThat(data.get("warmup")).isEqualTo("2 rounds");
        assertThat(((Number) data.get("warmupMillis")).longValue()).isPositive();

        predictionLog.flush();
        List<String> lines = Files.exists(LOG) ? Files.readAllLines(LOG) : List.of();
        assertThat(lines).noneMatch(line -> line.contains("warm-up"));
        assertThat(predictionLog.pendingLines()).isZero();
    }

    @Test
    void theGeneratedPicturesAreWhatTheyClaimToBe() throws Exception {
        assertThat(ImageIO.read(new ByteArrayInputStream(RequestPathWarmup.picture("png", 28, 28))).getWidth())
                .isEqualTo(28);
        assertThat(ImageIO.read(new ByteArrayInputStream(RequestPathWarmup.picture("jpeg", 640, 480))).getHeight())
                .isEqualTo(480);
    }
}
