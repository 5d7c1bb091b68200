package dev.modelserving.order;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.predictionlog.PredictionLog;
import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OrderResourceTest {

    @Inject
    PredictionLog log;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "app.prediction-log.path")
    String logPath;

    private String token;

    @BeforeEach
    void login() {
        token = Api.newUserToken();
    }

    private RequestSpecification asUser() {
        return given().auth().oauth2(token);
    }

    private static Map<String, Object> imageItems(List<Fixtures.Fixture> fixtures) {
        List<Map<String, String>> items = new ArrayList<>();
        for (Fixtures.Fixture fixture : fixtures) {
            items.add(Map.of("image", Base64.getEncoder().encodeToString(fixture.bytes())));
        }
        return Map.of("items", items);
    }

    private Response awaitTask(String location) {
        Response task = asUser().queryParam("wait", 20).get(location);
        assertThat(task.jsonPath().getString("state")).as(task.asString()).isEqualTo("SUCCEEDED");
        return task;
    }

    @Test
    void aSmallOrderIsProcessedAtOnce() {
        List<Fixtures.Fixture> fixtures = Fixtures.all().subList(0, 3);
        Response response = asUser().contentType(ContentType.JSON).body(imageItems(fixtures)).post("/orders");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(201);
        String id = response.jsonPath().getString("id");
        assertThat(response.header("Location")).isEqualTo("/orders/" + id);
        assertThat(response.jsonPath().getString("status")).isEqualTo("COMPLETED");
        assertThat(response.jsonPath().getList("products.label"))
                .containsExactlyElementsOf(fixtures.stream().map(Fixtures.Fixture::predicted).toList());
        assertThat(response.jsonPath().getList("products.price", Integer.class)).containsOnly(100);
        assertThat(response.jsonPath().getLong("total")).isEqualTo(300);
        assertThat(response.jsonPath().getString("currency")).isEqualTo("KRW");
        assertThat(response.jsonPath().getString("completedAt")).isNotBlank();
        asUser().get("/orders/" + id).then().statusCode(200);
    }

    @Test
    void multipartPicturesWork() {
        List<Fixtures.Fixture> fixtures = Fixtures.all().subList(3, 5);
        RequestSpecification request = asUser();
        for (Fixtures.Fixture fixture : fixtures) {
            request = request.multiPart("images", fixture.file(), fixture.bytes(), "image/png");
        }
        Response response = request.post("/orders");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(201);
        assertThat(response.jsonPath().getList("products.label"))
                .containsExactlyElementsOf(fixtures.stream().map(Fixtures.Fixture::predicted).toList());
    }

    @Test
    void aLargeOrderRunsInTheBackgroundAndCompletesOnce() throws Exception {
        List<Fixtures.Fixture> fixtures = Fixtures.all();
        Response accepted = asUser().contentType(ContentType.JSON).body(imageItems(fixtures)).post("/orders");
        assertThat(accepted.statusCode()).as(accepted.asString()).isEqualTo(202);
        String taskId = accepted.jsonPath().getString("id");
        assertThat(accepted.header("Location")).isEqualTo("/tasks/" + taskId);
        assertThat(accepted.header("Retry-After")).isEqualTo("1");
        assertThat(accepted.jsonPath().getString("kind")).isEqualTo("order-classification");
        assertThat(accepted.jsonPath().getInt("progress.total")).isEqualTo(fixtures.size());
        String orderLocation = accepted.jsonPath().getString("result.location");
        assertThat(orderLocation).startsWith("/orders/");

        Response task = awaitTask("/tasks/" + taskId);
        assertThat(task.jsonPath().getInt("progress.completed")).isEqualTo(fixtures.size());
        Response order = asUser().get(orderLocation);
        assertThat(order.jsonPath().getString("status")).isEqualTo("COMPLETED");
        assertThat(order.jsonPath().getList("products")).hasSize(fixtures.size());
        assertThat(order.jsonPath().getLong("total")).isEqualTo(100L * fixtures.size());
        assertThat(order.jsonPath().getList("products.label"))
                .containsExactlyElementsOf(fixtures.stream().map(Fixtures.Fixture::predicted).toList());

        // Every product is in the prediction log with its order id.
        String orderId = order.jsonPath().getString("id");
        log.flush();
        long logged = 0;
        for (String line : Files.readAllLines(Path.of(logPath))) {
            JsonNode record = json.readTree(line);
            if (orderId.equals(record.path("orderId").asText())) {
                logged++;
            }
        }
        assertThat(logged).isEqualTo(fixtures.size());
    }

    @Test
    void preferRespondAsyncMakesEvenOneItemABackgroundTask() {
        float[] blank = new float[784];
        Response accepted = asUser().contentType(ContentType.JSON).header("Prefer", "respond-async")
                .body(Map.of("items", List.of(Map.of("pixels", blank)))).post("/orders");
        assertThat(accepted.statusCode()).isEqualTo(202);
        awaitTask(accepted.header("Location"));
        assertThat(asUser().get(accepted.jsonPath().getString("result.location")).jsonPath().getString("status"))
                .isEqualTo("COMPLETED");
    }

    @Test
    void cancellingTheTaskCancelsTheOrder() {
        // Enough items that the task is still queued or running when the cancel arrives, on 2 workers.
        List<Map<String, Object>> items = Collections.nCopies(1000, Map.of("pixels", new float[784]));
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(asUser().contentType(ContentType.JSON).body(Map.of("items", items)).post("/orders")
                    .then().statusCode(202).extract().path("id"));
        }
        String last = tasks.get(3);
        Response cancel = asUser().delete("/tasks/" + last);
        Response task = asUser().queryParam("wait", 20).get("/tasks/" + last);
        if (cancel.statusCode() == 202) {
            assertThat(task.jsonPath().getString("state")).isEqualTo("CANCELLED");
            String order = task.jsonPath().getString("result.location");
            Response cancelled = asUser().get(order);
            assertThat(cancelled.jsonPath().getString("status")).isEqualTo("CANCELLED");
            assertThat(cancelled.jsonPath().getString("reason")).isEqualTo("cancelled");
            assertThat(cancelled.jsonPath().getList("products")).isEmpty();
        } else {
            // The machine was fast enough to finish first: then the cancel is a conflict.
            assertProblem(cancel, 409, "/tasks/" + last);
        }
        tasks.forEach(id -> asUser().queryParam("wait", 20).get("/tasks/" + id));
    }

    @Test
    void noItemsOrTooManyAre422() {
        assertProblem(asUser().contentType(ContentType.JSON).body(Map.of("items", List.of())).post("/orders"), 422,
                "/orders");
        assertProblem(asUser().contentType(ContentType.JSON).body("{}").post("/orders"), 422, "/orders");
        List<Map<String, String>> tooMany = Collections.nCopies(1001, Map.of("image", "AA=="));
        Response response = asUser().contentType(ContentType.JSON).body(Map.of("items", tooMany)).post("/orders");
        assertThat(assertProblem(response, 422, "/orders")).contains("at most 1000");
    }

    @Test
    void anUnusableItemIs422NamingItsIndex() {
        List<Map<String, Object>> items = new ArrayList<>();
        items.add(Map.of("image", Base64.getEncoder().encodeToString(Fixtures.first().bytes())));
        items.add(Map.of("pixels", new float[784]));
        items.add(Map.of("image", Base64.getEncoder().encodeToString("not a picture".getBytes())));
        Response response = asUser().contentType(ContentType.JSON).body(Map.of("items", items)).post("/orders");
        assertThat(assertProblem(response, 422, "/orders")).contains("Item 2");
        assertThat(response.jsonPath().getList("errors.pointer")).containsExactly("/items/2/image");

        Response shortPixels = asUser().contentType(ContentType.JSON)
                .body(Map.of("items", List.of(Map.of("pixels", new float[10])))).post("/orders");
        assertThat(shortPixels.jsonPath().getList("errors.pointer")).containsExactly("/items/0/pixels");
        Response both = asUser().contentType(ContentType.JSON)
                .body(Map.of("items", List.of(Map.of("pixels", new float[784], "image", "AA==")))).post("/orders");
        assertProblem(both, 422, "/orders");

        Response multipart = asUser().multiPart("images", "a.png", Fixtures.first().bytes(), "image/png")
                .multiPart("images", "b.png", "nope".getBytes(), "image/png").post("/orders");
        assertThat(assertProblem(multipart, 422, "/orders")).contains("images[1]");
        assertThat(asUser().get("/orders/me").header("X-Total-Count")).isEqualTo("0");
    }

    @Test
    void aPictureOverTheLimitIs413() {
        Response response = asUser().multiPart("images", "big.png", new byte[1024 * 1024 + 1], "image/png")
                .post("/orders");
        assertThat(assertProblem(response, 413, "/orders")).contains("images[0]");
    }

    @Test
    void ordersAreVisibleToTheirOwnerAndAdminsOnly() {
        Response placed = asUser().contentType(ContentType.JSON).body(imageItems(Fixtures.all().subList(0, 1)))
                .post("/orders");
        String id = placed.jsonPath().getString("id");
        assertThat(assertProblem(given().auth().oauth2(Api.newUserToken()).get("/orders/" + id), 404,
                "/orders/" + id)).contains(id);
        given().auth().oauth2(Api.adminToken()).get("/orders/" + id).then().statusCode(200);
        assertProblem(asUser().get("/orders/not-a-uuid"), 400, "/orders/not-a-uuid");
        String unknown = UUID.randomUUID().toString();
        assertProblem(asUser().get("/orders/" + unknown), 404, "/orders/" + unknown);
    }

    @Test
    void myOrdersAreNewestFirstInPages() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(asUser().contentType(ContentType.JSON).body(imageItems(Fixtures.all().subList(i, i + 1)))
                    .post("/orders").jsonPath().getString("id"));
        }
        Collections.reverse(ids);
        Response page = asUser().queryParam("size", 2).get("/orders/me");
        assertThat(page.header("X-Total-Count")).isEqualTo("3");
        assertThat(page.jsonPath().getList("id")).containsExactlyElementsOf(ids.subList(0, 2));
        assertThat(asUser().queryParam("size", 2).queryParam("page", 1).get("/orders/me").jsonPath().getList("id"))
                .containsExactly(ids.get(2));
    }

    @Test
    void allOrdersAreForAdminsWithAStatusFilter() {
        asUser().contentType(ContentType.JSON).body(imageItems(Fixtures.all().subList(0, 1))).post("/orders");
        assertProblem(asUser().get("/orders"), 403, "/orders");
        String admin = Api.adminToken();
        Response completed = given().auth().oauth2(admin).queryParam("status", "COMPLETED").get("/orders");
        assertThat(completed.statusCode()).isEqualTo(200);
        assertThat(completed.jsonPath().getList("status")).isNotEmpty().containsOnly("COMPLETED");
        assertProblem(given().auth().oauth2(admin).queryParam("status", "DONE").get("/orders"), 400, "/orders");
    }
}
