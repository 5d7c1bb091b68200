package dev.modelserving.user;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UserResourceTest {

    @Test
    void theLocationIsARelativeReferenceWhateverTheHostHeaderSays() {
        String username = Api.uniqueUsername("host");
        Response response = given().header("Host", "evil.example").contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", Api.PASSWORD)).post("/users");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.header("Location")).isEqualTo("/users/" + username);
    }

    @Test
    void registersAUserAndNeverShowsThePassword() {
        String username = Api.uniqueUsername("alice");
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", Api.PASSWORD, "displayName", "Alice A."))
                .post("/users");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.header("Location")).endsWith("/users/" + username);
        assertThat(response.jsonPath().getString("username")).isEqualTo(username);
        assertThat(response.jsonPath().getString("displayName")).isEqualTo("Alice A.");
        assertThat(response.jsonPath().getList("roles")).containsExactly("user");
        assertThat(response.jsonPath().getString("createdAt")).isNotBlank();
        assertThat(response.asString()).doesNotContain(Api.PASSWORD).doesNotContain("$2a$")
                .doesNotContain("password");
    }

    @Test
    void displayNameDefaultsToTheUsername() {
        String username = Api.registerUser("bob");
        given().auth().oauth2(Api.token(username, Api.PASSWORD)).get("/users/me")
                .then().statusCode(200)
                .body("username", Matchers.equalTo(username))
                .body("displayName", Matchers.equalTo(username));
    }

    @Test
    void aTakenUsernameIsAConflict() {
        String username = Api.registerUser("carol");
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", "another-password"))
                .post("/users");
        assertThat(assertProblem(response, 409, "/users")).contains(username).contains("taken");
    }

    @Test
    void invalidFieldsAre422WithOneErrorPerField() {
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of("username", "No Spaces!", "password", "short"))
                .post("/users");
        assertProblem(response, 422, "/users");
        List<Map<String, String>> errors = response.jsonPath().getList("errors");
        assertThat(errors).extracting(e -> e.get("pointer")).contains("/username", "/password");
        assertThat(errors).allSatisfy(e -> assertThat(e.get("detail")).isNotBlank());
    }

    @Test
    void aDisplayNameWithControlCharactersOrLoneSurrogatesIs422() {
        for (String displayName : new String[]{"a\\u0000b", "tab\\there", "half \\ud800 a pair", "\\udc00"}) {
            Response response = given().contentType(ContentType.JSON)
                    .body("{\"username\":\"" + Api.uniqueUsername("ctl") + "\",\"password\":\"" + Api.PASSWORD
                            + "\",\"displayName\":\"" + displayName + "\"}")
                    .post("/users");
            assertProblem(response, 422, "/users");
            assertThat(response.jsonPath().getList("errors.pointer")).as(displayName).containsExactly("/displayName");
        }
        // A real pair is a character like any other.
        given().contentType(ContentType.JSON)
                .body("{\"username\":\"" + Api.uniqueUsername("emoji") + "\",\"password\":\"" + Api.PASSWORD
                        + "\",\"displayName\":\"Alice \\ud83d\\ude00\"}")
                .post("/users").then().statusCode(201);
    }

    @Test
    void missingFieldsAre422() {
        Response response = given().contentType(ContentType.JSON).body("{}").post("/users");
        assertProblem(response, 422, "/users");
        assertThat(response.jsonPath().getList("errors.pointer")).contains("/username", "/password");
    }

    @Test
    void usernameLengthIsChecked() {
        Response tooShort = given().contentType(ContentType.JSON)
                .body(Map.of("username", "ab", "password", Api.PASSWORD)).post("/users");
        assertProblem(tooShort, 422, "/users");
        Response tooLong = given().contentType(ContentType.JSON)
                .body(Map.of("username", "a".repeat(33), "password", Api.PASSWORD)).post("/users");
        assertProblem(tooLong, 422, "/users");
        assertThat(tooLong.jsonPath().getList("errors.pointer")).containsExactly("/username");
    }

    @Test
    void malformedJsonIs400() {
        Response response = given().contentType(ContentType.JSON).body("{\"username\": ").post("/users");
        assertProblem(response, 400, "/users");
    }

    @Test
    void aValueOfTheWrongTypeIs400() {
        Response response = given().contentType(ContentType.JSON)
                .body("{\"username\": [1, 2], \"password\": \"long-enough-pw\"}").post("/users");
        String detail = assertProblem(response, 400, "/users");
        assertThat(detail).contains("/username");
    }

    @Test
    void aMissingBodyIs400() {
        Response response = given().contentType(ContentType.JSON).post("/users");
        assertThat(response.statusCode()).isIn(400, 422);
        assertProblem(response, response.statusCode(), "/users");
    }

    @Test
    void aNonJsonBodyIs415() {
        Response response = given().contentType(ContentType.TEXT).body("username=x").post("/users");
        assertThat(assertProblem(response, 415, "/users")).contains("text/plain");
    }

    @Test
    void meNeedsAToken() {
        Response response = given().get("/users/me");
        assertProblem(response, 401, "/users/me");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void anInvalidTokenIs401() {
        Response response = given().auth().oauth2("not.a.token").get("/users/me");
        assertThat(assertProblem(response, 401, "/users/me")).contains("invalid");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void aTokenSignedWithAnotherKeyIs401() {
        String forged = Jwt.issuer("model-serving").upn("admin").groups("admin")
                .jws().algorithm(SignatureAlgorithm.HS256)
                .sign(new SecretKeySpec(new byte[32], "HmacSHA256"));
        Response response = given().auth().oauth2(forged).get("/users");
        assertProblem(response, 401, "/users");
    }

    @Test
    void anyCallerCanSeeAPublicView() {
        String target = Api.registerUser("dave");
        given().auth().oauth2(Api.newUserToken()).get("/users/" + target)
                .then().statusCode(200)
                .body("username", Matchers.equalTo(target))
                .body("roles", Matchers.contains("user"));
    }

    @Test
    void anUnknownUserIs404NamingIt() {
        Response response = given().auth().oauth2(Api.newUserToken()).get("/users/nobody-here");
        assertThat(assertProblem(response, 404, "/users/nobody-here")).isEqualTo("User 'nobody-here' not found");
    }

    @Test
    void listingIsForAdminsOnly() {
        Response response = given().auth().oauth2(Api.newUserToken()).get("/users");
        assertProblem(response, 403, "/users");
        assertProblem(given().get("/users"), 401, "/users");
    }

    @Test
    void adminListsUsersInPagesWithTheTotal() {
        Api.registerUser("erin");
        Api.registerUser("erin");
        String admin = Api.adminToken();
        Response first = given().auth().oauth2(admin).queryParam("page", 0).queryParam("size", 2).get("/users");
        assertThat(first.statusCode()).isEqualTo(200);
        long total = Long.parseLong(first.header("X-Total-Count"));
        assertThat(total).isGreaterThanOrEqualTo(3);
        List<String> names = first.jsonPath().getList("username");
        assertThat(names).hasSize(2).isSorted();

        Response all = given().auth().oauth2(admin).queryParam("size", 200).get("/users");
        assertThat(all.jsonPath().getList("username")).contains("admin");
        assertThat(all.jsonPath().getList("roles.flatten()")).contains("admin");
    }

    @Test
    void pageParametersOutOfRangeAre400() {
        String admin = Api.adminToken();
        for (String size : List.of("0", "201")) {
            Response response = given().auth().oauth2(admin).queryParam("size", size).get("/users");
            assertProblem(response, 400, "/users");
            assertThat(response.jsonPath().getList("errors.parameter")).containsExactly("size");
        }
        Response negative = given().auth().oauth2(admin).queryParam("page", -1).get("/users");
        assertProblem(negative, 400, "/users");
        assertThat(negative.jsonPath().getList("errors.parameter")).containsExactly("page");
    }

    @Test
    void aPageParameterOfTheWrongTypeIs400() {
        Response response = given().auth().oauth2(Api.adminToken()).queryParam("size", "many").get("/users");
        assertProblem(response, 400, "/users");
    }
}
