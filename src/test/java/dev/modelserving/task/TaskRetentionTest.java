package dev.modelserving.task;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.modelserving.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finished tasks are evicted after the retention; running ones never are. */
@QuarkusTest
@TestProfile(TaskRetentionTest.ShortRetention.class)
class TaskRetentionTest {

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.tasks.retention", "1s", "app.tasks.janitor-interval", "1s");
        }
    }

    @Test
    void aFinishedTaskIsEvictedAfterTheRetentionAndARunningOneIsNot() throws InterruptedException {
        String token = Api.newUserToken();
        String finished = given().auth().oauth2(token).queryParam("items", 0).post("/test-jobs").jsonPath()
                .getString("id");
        String running = given().auth().oauth2(token).queryParam("items", 1).post("/test-jobs").jsonPath()
                .getString("id");
        await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(
                given().auth().oauth2(token).get("/tasks/" + finished).jsonPath().getString("state")));

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().auth().oauth2(token).get("/tasks/" + finished).statusCode() == 404);
        assertProblem(given().auth().oauth2(token).get("/tasks/" + finished), 404, "/tasks/" + finished);
        Thread.sleep(2_500);
        given().auth().oauth2(token).get("/tasks/" + running).then().statusCode(200);
        given().auth().oauth2(token).queryParam("items", 1).post("/test-jobs/" + running + "/advance");
    }
}
