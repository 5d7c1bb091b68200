package dev.modelserving.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthAndDocsTest {

    @Test
    void healthEndpointsAnswerJson() {
        for (String path : new String[]{"/q/health/live", "/q/health/ready", "/q/health/started"}) {
            Response response = given().get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.jsonPath().getString("status")).as(path).isEqualTo("UP");
        }
    }

    @Test
    void openApiDocumentsEveryEndpointAndTheProblemSchema() {
        Response response = given().accept("application/json").get("/q/openapi");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.jsonPath().getMap("paths")).containsKeys("/users", "/users/me", "/users/{username}",
                "/auth/token", "/predictions", "/model", "/v2", "/v2/health/live", "/v2/health/ready",
                "/v2/models/{name}", "/v2/models/{name}/ready", "/v2/models/{name}/infer", "/orders", "/orders/me",
                "/orders/{id}", "/tasks", "/tasks/{id}");
        assertThat(response.jsonPath().getMap("paths.'/orders'.post.responses")).containsKeys("201", "202", "422",
                "429");
        assertThat(response.jsonPath().getMap("paths.'/tasks/{id}'.delete.responses")).containsKeys("202", "404",
                "409");
        assertThat(response.jsonPath().getString(
                "paths.'/orders'.post.responses.'429'.content.'application/problem+json'.schema.'$ref'"))
                .isEqualTo("#/components/schemas/Problem");
        assertThat(response.jsonPath().getMap("components.schemas")).containsKeys("Problem", "User");
        String notFound = "paths.'/users/{username}'.get.responses.'404'.content.'application/problem+json'";
        assertThat(response.jsonPath().getString(notFound + ".schema.'$ref'"))
                .isEqualTo("#/components/schemas/Problem");
        assertThat(response.jsonPath().getMap("paths.'/users'.get.responses")).containsKeys("200", "400", "401",
                "403", "500");
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void metricsAreServed() {
        Response response = given().get("/q/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asString()).contains("jvm_");
    }
}
