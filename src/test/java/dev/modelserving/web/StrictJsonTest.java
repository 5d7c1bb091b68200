package dev.modelserving.web;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** JSON bodies are read strictly: no trailing content, no coerced scalars, no null where a number belongs. */
@QuarkusTest
class StrictJsonTest {

    private static Response post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    @Test
    void contentAfterTheDocumentIs400AndCreatesNothing() {
        String username = Api.uniqueUsername("trailing");
        Response response = post("/users",
                "{\"username\":\"" + username + "\",\"password\":\"" + Api.PASSWORD + "\"}}");
        assertThat(assertProblem(response, 400, "/users")).containsAnyOf("after the end of its JSON document",
                "The body is not valid JSON");
        // The same body without the extra brace creates the user: the first attempt created nothing.
        post("/users", "{\"username\":\"" + username + "\",\"password\":\"" + Api.PASSWORD + "\"}").then()
                .statusCode(201);
    }

    @Test
    void malformedJsonIs400InOurWordsWithWhereItBreaks() {
        String[] bodies = {"{\"username\": ]", "{\"username\": \"a\"", "{'username': 'a'}", "{\"a\":tru}",
                "{\"username\": \"a\",}", "{\"username\": \"\u0001\"}", "\"unterminated"};
        for (String body : bodies) {
            String detail = assertProblem(post("/users", body), 400, "/users");
            assertThat(detail).as(body).startsWith("The body is not valid JSON").doesNotContainIgnoringCase("marker")
                    .doesNotContain("Source").doesNotContain("Unexpected").doesNotContain("token");
        }
        assertThat(assertProblem(post("/users", "{\n  \"username\": ]"), 400, "/users")).contains("line 2");
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        assertThat(assertProblem(post("/users", "{\"extra\": " + deep + "}"), 400, "/users"))
                .contains("nesting depth").doesNotContain("StreamReadConstraints");
        assertThat(assertProblem(post("/users", "{\"username\": NaN}"), 400, "/users"))
                .startsWith("The body is not valid JSON").doesNotContain("ALLOW_NON_NUMERIC_NUMBERS");
    }

    @Test
    void scalarsOfTheWrongTypeAre400NamingThePointer() {
        for (String value : new String[]{"4242", "true", "1e999999"}) {
            Response response = post("/users", "{\"username\":" + value + ",\"password\":\"" + Api.PASSWORD + "\"}");
            assertProblem(response, 400, "/users");
            assertThat(response.jsonPath().getString("errors[0].pointer")).as(value).isEqualTo("/username");
        }
        Response token = post("/auth/token", "{\"username\":\"nobody\",\"password\":123}");
        assertProblem(token, 400, "/auth/token");
        assertThat(token.jsonPath().getString("errors[0].pointer")).isEqualTo("/password");
    }

    @Test
    void nullAmongPixelsIs400() {
        String pixels = "[" + "0.5,".repeat(10) + "null" + ",0.5".repeat(773) + "]";
        Response response = given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON)
                .body("{\"items\":[{\"pixels\":" + pixels + "}]}").post("/orders");
        assertProblem(response, 400, "/orders");
        assertThat(response.jsonPath().getString("errors[0].pointer")).startsWith("/items/0/pixels");
    }
}
