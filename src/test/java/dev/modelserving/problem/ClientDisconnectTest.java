package dev.modelserving.problem;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A client that hangs up in the middle of its request body is counted, not reported as a server incident. */
@QuarkusTest
class ClientDisconnectTest {

    private static double disconnects() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith("http_client_disconnects_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static void sendHalfABodyAndHangUp(String path, String token, String contentType) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[40_000]);
            out.flush();
            Thread.sleep(200);
        }
    }

    @Test
    void aClientGoneMidBodyIsCountedAndTheServiceAnswersTheNext() throws Exception {
        String token = Api.newUserToken();
        double before = disconnects();

        sendHalfABodyAndHangUp("/v2/models/fashion-mnist/infer", token, "application/json");
        sendHalfABodyAndHangUp("/predictions", token, "image/png");

        long deadline = System.currentTimeMillis() + 10_000;
        while (disconnects() < before + 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(disconnects()).isEqualTo(before + 2);
        given().auth().oauth2(token).get("/users/me").then().statusCode(200);
    }
}
