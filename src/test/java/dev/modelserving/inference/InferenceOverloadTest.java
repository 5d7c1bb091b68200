package dev.modelserving.inference;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One inference runner and one waiting place: while the runner parses large V2 batches, most concurrent requests find
 * the place taken and get a 503 problem with Retry-After; none is left hanging, and the service answers normally
 * afterwards.
 */
@QuarkusTest
@TestProfile(InferenceOverloadTest.OneWaitingPlace.class)
class InferenceOverloadTest {

    public static class OneWaitingPlace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.model.batching.threads", "1", "app.model.batching.queue-capacity", "1");
        }
    }

    /** A V2 request of {@code rows} rows of varied values: a few milliseconds of parsing per hundred rows. */
    private static String bigRequest(int rows) {
        StringBuilder json = new StringBuilder(rows * 784 * 8)
                .append("{\"inputs\":[{\"name\":\"input\",\"shape\":[").append(rows).append(",784],")
                .append("\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < rows * 784; i++) {
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", (i % 997) / 997.0));
        }
        return json.append("]}]}").toString();
    }

    @Test
    void requestsBeyondTheWaitingPlacesGet503WithRetryAfterAndNoneHangs() throws Exception {
        String token = Api.newUserToken();
        String big = bigRequest(256);
        byte[] picture = Fixtures.first().bytes();
        ExecutorService clients = Executors.newFixedThreadPool(24);
        try {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(clients.submit(() -> given().auth().oauth2(token).contentType(ContentType.JSON).body(big)
                        .post("/v2/models/fashion-mnist/infer")));
            }
            for (int i = 0; i < 40; i++) {
                calls.add(clients.submit(() -> given().auth().oauth2(token).contentType("image/png").body(picture)
                        .post("/predictions")));
            }
            int answered = 0;
            int refused = 0;
            for (Future<Response> call : calls) {
                Response response = call.get(60, TimeUnit.SECONDS);
                if (response.statusCode() == 503) {
                    String instance = response.jsonPath().getString("instance");
                    assertThat(assertProblem(response, 503, instance)).contains("app.model.batching.queue-capacity");
                    assertThat(response.header("Retry-After")).isEqualTo("1");
                    refused++;
                } else {
                    assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
                    answered++;
                }
            }
            assertThat(refused).as("requests refused while the runner was busy").isPositive();
            assertThat(answered).as("requests answered").isPositive();
        } finally {
            clients.shutdownNow();
        }
        Response after = given().auth().oauth2(token).contentType("image/png").body(picture).post("/predictions");
        assertThat(after.statusCode()).isEqualTo(200);
    }
}
