package dev.modelserving.task;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One worker and one queue place: the third task is refused with 429 and leaves nothing behind. */
@QuarkusTest
@TestProfile(TaskQueueFullTest.TinyQueue.class)
class TaskQueueFullTest {

    public static class TinyQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.tasks.workers", "1", "app.tasks.queue-capacity", "1");
        }
    }

    @Test
    void aFullQueueIs429WithRetryAfterAndCreatesNothing() {
        String token = Api.newUserToken();
        String running = given().auth().oauth2(token).queryParam("items", 1).post("/test-jobs").jsonPath()
                .getString("id");
        String queued = given().auth().oauth2(token).queryParam("items", 1).post("/test-jobs").jsonPath()
                .getString("id");

        Response refused = given().auth().oauth2(token).queryParam("items", 1).post("/test-jobs");
        assertProblem(refused, 429, "/test-jobs");
        assertThat(refused.header("Retry-After")).isNotBlank();

        Response order = given().auth().oauth2(token).header("Prefer", "respond-async")
                .multiPart("images", "a.png", Fixtures.first().bytes(), "image/png").post("/orders");
        assertProblem(order, 429, "/orders");
        assertThat(given().auth().oauth2(token).get("/orders/me").header("X-Total-Count")).isEqualTo("0");
        assertThat(given().auth().oauth2(token).get("/tasks").jsonPath().getList("id"))
                .containsExactlyInAnyOrder(running, queued);

        given().auth().oauth2(token).queryParam("items", 1).post("/test-jobs/" + running + "/advance");
        given().auth().oauth2(token).queryParam("items", 1).post("/test-jobs/" + queued + "/advance");
        await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(
                given().auth().oauth2(token).get("/tasks/" + queued).jsonPath().getString("state")));
        // Places are given back: a new task is accepted again.
        Response accepted = given().auth().oauth2(token).queryParam("items", 0).post("/test-jobs");
        assertThat(accepted.statusCode()).isEqualTo(202);
    }
}
