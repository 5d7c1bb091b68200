package dev.modelserving.it;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/** The packaged application (jar, or native runner with -Pnative) as a client sees it. */
@QuarkusIntegrationTest
class PackagedServiceIT {

    @Test
    void registersLogsInAndAnswersMe() {
        String username = Api.registerUser("it");
        String token = Api.token(username, Api.PASSWORD);
        given().auth().oauth2(token).get("/users/me")
                .then().statusCode(200)
                .body("username", Matchers.equalTo(username));
    }

    @Test
    void errorsAreProblemDocuments() {
        assertProblem(given().get("/nowhere"), 404, "/nowhere");
        assertProblem(given().get("/users/me"), 401, "/users/me");
        assertProblem(given().contentType(ContentType.JSON).body("{").post("/users"), 400, "/users");
        Response invalid = given().contentType(ContentType.JSON).body(Map.of("username", "X", "password", "x"))
                .post("/users");
        assertProblem(invalid, 422, "/users");
        Response wrongMethod = given().put("/auth/token");
        assertProblem(wrongMethod, 405, "/auth/token");
        assertThat(wrongMethod.header("Allow")).contains("POST");
    }

    @Test
    void healthAndDocsAreServed() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
