package dev.modelserving.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RequestIdTest {

    @Test
    void aSaneCallerIdIsEchoed() {
        Response response = given().header("X-Request-Id", "abc-123.trace").get("/q/health/live");
        assertThat(response.header("X-Request-Id")).isEqualTo("abc-123.trace");
    }

    @Test
    void anInsaneCallerIdIsReplaced() {
        Response response = given().header("X-Request-Id", "bad id <script>").get("/no/such/route");
        assertThat(response.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    }

    @Test
    void everyResponseGetsAnId() {
        Response first = given().get("/q/health/live");
        Response second = given().get("/q/health/live");
        assertThat(first.header("X-Request-Id")).isNotBlank().isNotEqualTo(second.header("X-Request-Id"));
    }
}
