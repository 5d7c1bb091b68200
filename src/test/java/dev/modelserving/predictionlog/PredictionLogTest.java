package dev.modelserving.predictionlog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PredictionLogTest {

    @Inject
    PredictionLog log;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "app.prediction-log.path")
    String path;

    @Test
    void everyPredictionBecomesOneJsonLineWithWhoAskedAndHowLongItTook() throws IOException {
        String username = Api.registerUser("logged");
        String token = Api.token(username, Api.PASSWORD);
        List<String> requestIds = new ArrayList<>();
        for (Fixtures.Fixture fixture : Fixtures.all().subList(0, 5)) {
            String requestId = "log-test-" + UUID.randomUUID();
            requestIds.add(requestId);
            given().auth().oauth2(token).header("X-Request-Id", requestId).contentType("image/png")
                    .body(fixture.bytes()).post("/predictions").then().statusCode(200);
        }
        log.flush();

        List<JsonNode> mine = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(path))) {
            JsonNode record = json.readTree(line);
            if (requestIds.contains(record.path("requestId").asText())) {
                mine.add(record);
            }
        }
        assertThat(mine).hasSize(5);
        for (JsonNode record : mine) {
            assertThat(record.path("user").asText()).isEqualTo(username);
            assertThat(record.path("model").asText()).isEqualTo("fashion-mnist");
            assertThat(record.path("version").asText()).isEqualTo("1");
            assertThat(record.path("label").asText()).isNotBlank();
            assertThat(record.path("confidence").floatValue()).isBetween(0f, 1f);
            assertThat(record.path("latencyMicros").asLong()).isPositive();
            assertThat(record.path("timestamp").asText()).isNotBlank();
        }
        assertThat(log.pendingLines()).isZero();
    }
}
