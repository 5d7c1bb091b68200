package dev.modelserving.security;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TokenResourceTest {

    @Test
    void issuesABearerTokenForTheRightPassword() {
        String username = Api.registerUser("tok");
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", Api.PASSWORD))
                .post("/auth/token");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.jsonPath().getString("token_type")).isEqualTo("Bearer");
        assertThat(response.jsonPath().getLong("expires_in")).isEqualTo(900);
        String token = response.jsonPath().getString("access_token");
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(claims).contains("\"upn\":\"" + username + "\"").contains("\"iss\":\"model-serving\"");
        assertThat(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8))
                .contains("HS256");
    }

    private static Response login(String username, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password))
                .post("/auth/token");
    }

    @Test
    void repeatedFailuresAre429WithRetryAfterForKnownAndUnknownUsernamesAlike() {
        String known = Api.registerUser("guessed");
        String unknown = Api.uniqueUsername("nobody");
        for (String username : new String[]{known, unknown}) {
            for (int i = 0; i < 5; i++) {
                assertThat(login(username, "wrong-" + i).statusCode()).as(username + " attempt " + i).isEqualTo(401);
            }
            assertThat(login(username, "wrong-5").statusCode()).isEqualTo(401);
            Response waiting = login(username, "wrong-6");
            String detail = assertProblem(waiting, 429, "/auth/token");
            assertThat(detail).doesNotContain(username);
            assertThat(Integer.parseInt(waiting.header("Retry-After"))).isBetween(1, 900);
            // While it waits, even the right password is not checked.
            assertThat(login(username, Api.PASSWORD).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
        String username = Api.registerUser("tok");
        Response wrongPassword = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", "not-the-password"))
                .post("/auth/token");
        Response unknownUser = given().contentType(ContentType.JSON)
                .body(Map.of("username", "no-such-user", "password", "not-the-password"))
                .post("/auth/token");
        String detail = assertProblem(wrongPassword, 401, "/auth/token");
        assertProblem(unknownUser, 401, "/auth/token");
        assertThat(unknownUser.jsonPath().getString("detail")).isEqualTo(detail);
        assertThat(wrongPassword.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void missingFieldsAre422() {
        Response response = given().contentType(ContentType.JSON).body(Map.of("username", "x"))
                .post("/auth/token");
        assertProblem(response, 422, "/auth/token");
        assertThat(response.jsonPath().getList("errors.pointer")).containsExactly("/password");
    }

    @Test
    void anExpiredTokenIsRejectedEvenAfterItWasAccepted() throws InterruptedException {
        // Signed with the service's own key (the test profile sets it) but valid for one to two seconds only: expiry
        // is in whole seconds, so "in one second" could already be past when the first request arrives.
        String username = Api.registerUser("short");
        long expires = Instant.now().getEpochSecond() + 2;
        String token = Jwt.issuer("model-serving").upn(username).groups("user")
                .expiresAt(expires).jws().algorithm(SignatureAlgorithm.HS256)
                .sign(new SecretKeySpec(Base64.getDecoder().decode(TEST_SECRET),
                        "HmacSHA256"));
        given().auth().oauth2(token).get("/users/me").then().statusCode(200);
        Thread.sleep(Math.max(0, (expires + 1) * 1000 - System.currentTimeMillis()));
        assertProblem(given().auth().oauth2(token).get("/users/me"), 401, "/users/me");
    }

    /** The key of application.properties' test profile. */
    static final String TEST_SECRET = "dGVzdC1vbmx5LXNpZ25pbmcta2V5LTMyLWJ5dGVzLWxvbmchIQ==";

    @Test
    void theAdministratorFromConfigurationCanLogIn() {
        String token = Api.adminToken();
        given().auth().oauth2(token).get("/users/me")
                .then().statusCode(200)
                .body("roles", Matchers.hasItem("admin"));
    }
}
