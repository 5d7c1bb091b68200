package dev.modelserving.user;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every character of a password counts, however long it is (bcrypt alone reads 72 bytes), and a hash of the earlier
 * format (bare bcrypt) is replaced at the user's next successful login, in either store.
 */
@QuarkusTest
class PasswordHashTest {

    private static final String PREFIX_72 = "L".repeat(72);

    @Inject
    UserStore store;

    private static int login(String username, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password))
                .post("/auth/token").statusCode();
    }

    private static void register(String username, String password) {
        given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password))
                .post("/users").then().statusCode(201);
    }

    @Test
    void passwordsAreCheckedPastTheir72ndByte() {
        String username = Api.uniqueUsername("long");
        register(username, PREFIX_72 + "the-real-ending");
        assertThat(login(username, PREFIX_72 + "WRONG-ending")).isEqualTo(401);
        assertThat(login(username, PREFIX_72 + "the-real-ending")).isEqualTo(200);

        // 2-byte characters: 43 of them are 86 bytes, of which bcrypt alone would read 36 characters.
        String wide = Api.uniqueUsername("wide");
        register(wide, "é".repeat(42) + "a");
        assertThat(login(wide, "é".repeat(42) + "b")).isEqualTo(401);
        assertThat(login(wide, "é".repeat(42) + "a")).isEqualTo(200);
    }

    @Test
    void anEarlierHashIsReplacedAtTheNextSuccessfulLogin() {
        String username = Api.uniqueUsername("legacy");
        String password = PREFIX_72 + "the-real-ending";
        store.insertIfAbsent(new User(username, username, BcryptUtil.bcryptHash(password, 4), Set.of(User.ROLE_USER),
                Instant.now().truncatedTo(ChronoUnit.MILLIS))).await().indefinitely();

        assertThat(login(username, "not-the-password")).isEqualTo(401);
        assertThat(hashOf(username)).as("a failed login changes nothing").doesNotStartWith(PasswordHasher.PREFIX);

        assertThat(login(username, password)).isEqualTo(200);
        assertThat(hashOf(username)).startsWith(PasswordHasher.PREFIX);
        assertThat(login(username, password)).isEqualTo(200);
        assertThat(login(username, PREFIX_72 + "WRONG-ending")).as("now checked in full").isEqualTo(401);
    }

    private String hashOf(String username) {
        return store.find(username).await().indefinitely().orElseThrow().passwordHash();
    }
}
