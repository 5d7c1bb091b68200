package dev.modelserving.v2;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With HTTP permissions configured, V2 inference is left to the REST layer, so that the policies apply: the route
 * checks a token, not policies.
 */
@QuarkusTest
@TestProfile(InferenceRoutePermissionsTest.DeniedInference.class)
class InferenceRoutePermissionsTest {

    public static class DeniedInference implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.auth.permission.no-inference.paths", "/v2/models/*",
                    "quarkus.http.auth.permission.no-inference.methods", "POST",
                    "quarkus.http.auth.permission.no-inference.policy", "deny");
        }
    }

    @Test
    void aPolicyThatDeniesInferenceDeniesItToAValidToken() {
        String infer = "/v2/models/fashion-mnist/infer";
        Response denied = given().auth().oauth2(Api.newUserToken()).contentType("application/json")
                .body("{\"inputs\": []}").post(infer);
        assertThat(assertProblem(denied, 403, infer)).isEqualTo("Your roles do not allow POST " + infer);
    }
}
