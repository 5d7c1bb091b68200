package dev.modelserving.order;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Multipart bodies the framework's parser cannot read are problem documents in our words, never a 500. */
@QuarkusTest
class MalformedMultipartTest {

    private static final String CONTENT_TYPE = "multipart/form-data; boundary=XYZ";
    private String token;

    @BeforeEach
    void user() {
        token = Api.newUserToken();
    }

    private Response post(byte[] body) {
        return given().auth().oauth2(token).contentType(CONTENT_TYPE).body(body).post("/orders");
    }

    private static byte[] parts(int count, String name, byte[] content, boolean file, boolean closed)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            out.write(("--XYZ\r\nContent-Disposition: form-data; name=\"" + name + "\""
                    + (file ? "; filename=\"p" + i + ".png\"\r\nContent-Type: image/png" : "") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (closed) {
            out.write("--XYZ--\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    @Test
    void anEmptyOrUnterminatedBodyOrOneWithAnotherBoundaryIs400() throws IOException {
        byte[] png = Fixtures.first().bytes();
        byte[] otherBoundary = new String(parts(1, "images", "xx".getBytes(StandardCharsets.US_ASCII), true, true),
                StandardCharsets.ISO_8859_1).replace("XYZ", "ABC").getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] body : new byte[][]{new byte[0], otherBoundary, parts(1, "images", png, true, false)}) {
            assertThat(assertProblem(post(body), 400, "/orders"))
                    .contains("multipart/form-data body could not be read");
        }
    }

    @Test
    void morePartsThanAnOrderMayHaveItemsIs422AndTheServiceGoesOn() throws IOException {
        byte[] png = Fixtures.first().bytes();
        assertThat(assertProblem(post(parts(1001, "images", png, true, true)), 422, "/orders"))
                .contains("more than 1000 parts");
        Response fields = post(parts(3000, "field", "v".getBytes(StandardCharsets.US_ASCII), false, true));
        assertThat(fields.statusCode()).isIn(400, 422);
        assertProblem(fields, fields.statusCode(), "/orders");
        // One valid picture still makes an order.
        given().auth().oauth2(token).contentType(CONTENT_TYPE).body(parts(1, "images", png, true, true))
                .post("/orders").then().statusCode(201);
    }
}
