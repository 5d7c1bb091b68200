package dev.modelserving.order;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A repeated POST /orders with the same Idempotency-Key and owner returns the first order or task, not a new one. */
@QuarkusTest
class IdempotencyKeyTest {

    private static Response post(String token, String key, boolean async) {
        var request = given().auth().oauth2(token).header("Idempotency-Key", key)
                .multiPart("images", "a.png", Fixtures.first().bytes(), "image/png");
        if (async) {
            request.header("Prefer", "respond-async");
        }
        return request.post("/orders");
    }

    private static String total(String token) {
        return given().auth().oauth2(token).get("/orders/me").header("X-Total-Count");
    }

    @Test
    void aRepeatedSynchronousOrderReturnsTheSameOrder() {
        String token = Api.newUserToken();
        String key = UUID.randomUUID().toString();
        Response first = post(token, key, false);
        Response again = post(token, key, false);
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(201);
        assertThat(again.statusCode()).as(again.asString()).isEqualTo(201);
        assertThat(again.jsonPath().getString("id")).isEqualTo(first.jsonPath().getString("id"));
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(total(token)).isEqualTo("1");
    }

    @Test
    void aRepeatedAsynchronousOrderReturnsTheSameTask() {
        String token = Api.newUserToken();
        String key = UUID.randomUUID().toString();
        Response first = post(token, key, true);
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(202);
        String task = first.jsonPath().getString("id");
        given().auth().oauth2(token).queryParam("wait", 20).get("/tasks/" + task).then().statusCode(200);
        Response again = post(token, key, true);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.jsonPath().getString("id")).isEqualTo(task);
        assertThat(again.jsonPath().getString("state")).isEqualTo("SUCCEEDED");
        assertThat(again.header("Location")).endsWith("/tasks/" + task);
        assertThat(total(token)).isEqualTo("1");
        assertThat(given().auth().oauth2(token).get("/tasks").jsonPath().getList("id")).containsExactly(task);
    }

    @Test
    void concurrentRepeatsCreateOneOrder() {
        String token = Api.newUserToken();
        String key = UUID.randomUUID().toString();
        List<CompletableFuture<Response>> racing = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            racing.add(CompletableFuture.supplyAsync(() -> post(token, key, true)));
        }
        List<String> tasks = racing.stream().map(CompletableFuture::join)
                .peek(r -> assertThat(r.statusCode()).as(r.asString()).isEqualTo(202))
                .map(r -> r.jsonPath().getString("id")).distinct().toList();
        assertThat(tasks).hasSize(1);
        assertThat(total(token)).isEqualTo("1");
    }

    @Test
    void theKeyBelongsToItsOwner() {
        String key = UUID.randomUUID().toString();
        String alice = Api.newUserToken();
        String bob = Api.newUserToken();
        String first = post(alice, key, false).jsonPath().getString("id");
        String second = post(bob, key, false).jsonPath().getString("id");
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void anUnusableKeyIs400AndCreatesNothing() {
        String token = Api.newUserToken();
        assertProblem(post(token, "x".repeat(256), false), 400, "/orders");
        assertProblem(post(token, "two words", false), 400, "/orders");
        assertProblem(post(token, "", false), 400, "/orders");
        assertThat(total(token)).isEqualTo("0");
    }
}
