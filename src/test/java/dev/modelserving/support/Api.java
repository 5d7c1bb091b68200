package dev.modelserving.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;

/** Registers users and obtains tokens through the public API, as a client would. */
public final class Api {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password";
    public static final String PASSWORD = "s3cret-password";

    private Api() {
    }

    /** A username no other test uses. */
    public static String uniqueUsername(String prefix) {
        return (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
    }

    public static String registerUser(String prefix) {
        String username = uniqueUsername(prefix);
        given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", PASSWORD))
                .post("/users")
                .then().statusCode(201);
        return username;
    }

    public static String token(String username, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/auth/token")
                .then().statusCode(200)
                .extract().path("access_token");
    }

    /** A fresh user's bearer token. */
    public static String newUserToken() {
        return token(registerUser("user"), PASSWORD);
    }

    public static String adminToken() {
        return token(ADMIN, ADMIN_PASSWORD);
    }
}
