package dev.modelserving.task;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TaskResourceTest {

    private String token;

    @BeforeEach
    void login() {
        token = Api.newUserToken();
    }

    @AfterEach
    void releaseHeldJobs() {
        given().auth().oauth2(token).post("/test-jobs/release-all").then().statusCode(204);
    }

    private String submit(int items) {
        Response response = given().auth().oauth2(token).queryParam("items", items).post("/test-jobs");
        assertThat(response.statusCode()).isEqualTo(202);
        return response.jsonPath().getString("id");
    }

    private Response task(String id) {
        return given().auth().oauth2(token).get("/tasks/" + id);
    }

    private void advance(String id, int items) {
        given().auth().oauth2(token).queryParam("items", items).post("/test-jobs/" + id + "/advance")
                .then().statusCode(204);
    }

    private void awaitState(String id, String state) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> state.equals(task(id).jsonPath().getString("state")));
    }

    @Test
    void aTaskRunsOnATaskWorkerAndReportsProgress() {
        String id = submit(3);
        awaitState(id, "RUNNING");
        advance(id, 2);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> task(id).jsonPath().getInt("progress.completed") == 2);
        Response running = task(id);
        assertThat(running.jsonPath().getInt("progress.total")).isEqualTo(3);
        assertThat(running.header("Retry-After")).isEqualTo("1");
        assertThat(running.jsonPath().getString("startedAt")).isNotBlank();
        advance(id, 1);
        awaitState(id, "SUCCEEDED");
        Response done = task(id);
        assertThat(done.header("Retry-After")).isNull();
        assertThat(done.jsonPath().getString("finishedAt")).isNotBlank();
        assertThat(given().auth().oauth2(token).get("/test-jobs/" + id + "/thread").asString())
                .startsWith("task-worker-");
    }

    @Test
    void cancellingARunningTaskStopsItBetweenItems() {
        String id = submit(5);
        awaitState(id, "RUNNING");
        advance(id, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> task(id).jsonPath().getInt("progress.completed") == 1);

        Response cancel = given().auth().oauth2(token).delete("/tasks/" + id);
        assertThat(cancel.statusCode()).isEqualTo(202);
        awaitState(id, "CANCELLED");
        Response cancelled = task(id);
        assertThat(cancelled.jsonPath().getInt("progress.completed")).isLessThan(5);
        assertThat(cancelled.jsonPath().getString("reason")).isEqualTo("cancelled");
        assertThat(cancelled.jsonPath().getMap("$")).doesNotContainKey("error");
        assertThat(given().auth().oauth2(token).get("/test-jobs/" + id + "/end").asString())
                .isEqualTo("CANCELLED:cancelled");
    }

    @Test
    void cancellingAFinishedTaskIs409() {
        String id = submit(1);
        advance(id, 1);
        awaitState(id, "SUCCEEDED");
        Response response = given().auth().oauth2(token).delete("/tasks/" + id);
        assertThat(assertProblem(response, 409, "/tasks/" + id)).contains("SUCCEEDED");
    }

    @Test
    void aQueuedTaskIsCancelledAtOnce() {
        // Two workers in tests: two held tasks occupy them, the third waits in the queue.
        String first = submit(1);
        String second = submit(1);
        awaitState(first, "RUNNING");
        awaitState(second, "RUNNING");
        String queued = submit(1);
        assertThat(task(queued).jsonPath().getString("state")).isEqualTo("QUEUED");

        Response cancel = given().auth().oauth2(token).delete("/tasks/" + queued);
        assertThat(cancel.statusCode()).isEqualTo(202);
        assertThat(cancel.jsonPath().getString("state")).isEqualTo("CANCELLED");
        assertThat(given().auth().oauth2(token).get("/test-jobs/" + queued + "/end").asString())
                .isEqualTo("CANCELLED:cancelled");
        advance(first, 1);
        advance(second, 1);
        awaitState(first, "SUCCEEDED");
        awaitState(second, "SUCCEEDED");
        assertThat(task(queued).jsonPath().getString("state")).isEqualTo("CANCELLED");
    }

    @Test
    void aLongPollReturnsAsSoonAsTheTaskEnds() throws Exception {
        String id = submit(1);
        awaitState(id, "RUNNING");
        CompletableFuture<Void> later = CompletableFuture.runAsync(() -> advance(id, 1),
                CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
        long started = System.nanoTime();
        Response response = given().auth().oauth2(token).queryParam("wait", 20).get("/tasks/" + id);
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        later.get();
        assertThat(response.jsonPath().getString("state")).isEqualTo("SUCCEEDED");
        assertThat(waitedMillis).isLessThan(10_000);
    }

    @Test
    void aLongPollEndsAfterTheWaitWhenTheTaskDoesNot() {
        String id = submit(1);
        Response response = given().auth().oauth2(token).queryParam("wait", 1).get("/tasks/" + id);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.jsonPath().getString("state")).isIn("QUEUED", "RUNNING");
        assertThat(response.header("Retry-After")).isEqualTo("1");
        advance(id, 1);
    }

    @Test
    void theTaskListIsPagedWithItsTotal() {
        List<String> submitted = List.of(submit(1), submit(1), submit(1));
        Response first = given().auth().oauth2(token).queryParam("size", 2).get("/tasks");
        Response second = given().auth().oauth2(token).queryParam("page", 1).queryParam("size", 2).get("/tasks");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.header("X-Total-Count")).isEqualTo("3");
        assertThat(second.header("X-Total-Count")).isEqualTo("3");
        List<String> ids = new ArrayList<>(first.jsonPath().getList("id", String.class));
        assertThat(ids).hasSize(2);
        ids.addAll(second.jsonPath().getList("id", String.class));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(submitted);
        assertProblem(given().auth().oauth2(token).queryParam("size", 0).get("/tasks"), 400, "/tasks");
        submitted.forEach(id -> advance(id, 1));
    }

    @Test
    void waitOutOfRangeIs400() {
        String id = submit(1);
        Response response = given().auth().oauth2(token).queryParam("wait", 31).get("/tasks/" + id);
        assertProblem(response, 400, "/tasks/" + id);
        Response negative = given().auth().oauth2(token).queryParam("wait", -1).get("/tasks/" + id);
        assertProblem(negative, 400, "/tasks/" + id);
        // The parameter as the client sent it, not the Java identifier behind it.
        assertThat(response.jsonPath().getString("errors[0].parameter")).isEqualTo("wait");
        assertThat(negative.jsonPath().getString("errors[0].parameter")).isEqualTo("wait");
        advance(id, 1);
    }

    @Test
    void anotherUserGets404AndAnAdminSeesIt() {
        String id = submit(1);
        assertThat(assertProblem(given().auth().oauth2(Api.newUserToken()).get("/tasks/" + id), 404, "/tasks/" + id))
                .contains(id);
        assertProblem(given().auth().oauth2(Api.newUserToken()).delete("/tasks/" + id), 404, "/tasks/" + id);
        given().auth().oauth2(Api.adminToken()).get("/tasks/" + id).then().statusCode(200);
        advance(id, 1);
    }

    @Test
    void listsTheCallersTasksFilteredByState() {
        String done = submit(1);
        advance(done, 1);
        awaitState(done, "SUCCEEDED");
        String held = submit(1);
        awaitState(held, "RUNNING");
        assertThat(given().auth().oauth2(token).get("/tasks").jsonPath().getList("id")).containsExactly(held, done);
        assertThat(given().auth().oauth2(token).queryParam("state", "SUCCEEDED").get("/tasks").jsonPath()
                .getList("id")).containsExactly(done);
        assertProblem(given().auth().oauth2(token).queryParam("state", "DONE").get("/tasks"), 400, "/tasks");
        assertThat(given().auth().oauth2(Api.newUserToken()).get("/tasks").jsonPath().getList("id")).isEmpty();
        advance(held, 1);
    }

    @Test
    void unknownTaskIs404AndNoTokenIs401() {
        assertProblem(given().auth().oauth2(token).get("/tasks/nope"), 404, "/tasks/nope");
        assertProblem(given().get("/tasks/nope"), 401, "/tasks/nope");
    }

    @Test
    void theEventLoopStaysFreeWhileTasksRun() {
        String first = submit(1);
        String second = submit(1);
        awaitState(first, "RUNNING");
        awaitState(second, "RUNNING");
        // Both workers are busy with jobs that do not return; the HTTP side must not care.
        for (int i = 0; i < 20; i++) {
            given().get("/q/health/live").then().statusCode(200);
            given().auth().oauth2(token).get("/users/me").then().statusCode(200);
        }
        advance(first, 1);
        advance(second, 1);
        awaitState(first, "SUCCEEDED");
        awaitState(second, "SUCCEEDED");
    }
}
