package dev.modelserving.v2;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pictures as BYTES tensors over V2 REST, in JSON (base64 strings) and as binary data, decoded on the server for a
 * model with image settings, and the classification extension's top classes; the same repository as the gRPC tests.
 */
@QuarkusTest
@TestProfile(GrpcInferenceTest.GrpcRepository.class)
class PictureTensorsTest {

    private String token;

    @BeforeEach
    void user() {
        token = Api.newUserToken();
    }

    private Response infer(String model, String json) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(json)
                .post("/v2/models/" + model + "/infer");
    }

    private static String base64(byte[] picture) {
        return Base64.getEncoder().encodeToString(picture);
    }

    private static String pictures(String input, String... encoded) {
        return """
                {"inputs": [{"name": "%s", "shape": [%d], "datatype": "BYTES", "data": ["%s"]}]%%s}"""
                .formatted(input, encoded.length, String.join("\", \"", encoded));
    }

    @Test
    void jsonPicturesGiveTheModelsScoresAndTheirTopClassesAsPredictionsDoes() {
        byte[] red = Fixtures.solidPng(8, 8, 0xFF0000);
        byte[] green = Fixtures.solidJpeg(5, 3, 0x00FF00);
        String request = pictures("image", base64(red), base64(green));

        Response scores = infer("colours", request.formatted(""));
        assertThat(scores.statusCode()).as(scores.asString()).isEqualTo(200);
        assertThat(scores.jsonPath().getList("outputs[0].shape", Integer.class)).containsExactly(2, 3);
        List<Float> values = scores.jsonPath().getList("outputs[0].data", Float.class);
        // The model's own output (channel means), unsoftmaxed; JPEG's colours are close to, not exactly, pure.
        assertThat(values.subList(0, 3)).containsExactly(1f, 0f, 0f);
        assertThat(values.get(4)).isGreaterThan(0.9f);

        Response classified = infer("colours", request.formatted(
                ", \"outputs\": [{\"name\": \"scores\", \"parameters\": {\"classification\": 5}}]"));
        assertThat(classified.statusCode()).as(classified.asString()).isEqualTo(200);
        assertThat(classified.jsonPath().getString("outputs[0].datatype")).isEqualTo("BYTES");
        // Five asked, three classes exist.
        assertThat(classified.jsonPath().getList("outputs[0].shape", Integer.class)).containsExactly(2, 3);
        List<String> classes = classified.jsonPath().getList("outputs[0].data", String.class);
        assertThat(classes.get(0)).endsWith(":0:red");
        assertThat(classes.subList(1, 3)).allMatch(text -> text.endsWith(":green") || text.endsWith(":blue"));
        assertThat(classes.get(3)).endsWith(":1:green");

        Response prediction = given().auth().oauth2(token).contentType("image/png").body(red)
                .queryParam("model", "colours").post("/predictions");
        assertThat(prediction.statusCode()).isEqualTo(200);
        assertThat(Float.parseFloat(classes.get(0).split(":")[0]))
                .isCloseTo(prediction.jsonPath().getFloat("confidence"), within(1e-4f));
    }

    @Test
    void binaryPicturesAndBinaryClassesUseTheLengthPrefixedLayout() {
        byte[] blue = Fixtures.solidPng(4, 4, 0x0000FF);
        ByteBuffer raw = ByteBuffer.allocate(4 + blue.length).order(ByteOrder.LITTLE_ENDIAN).putInt(blue.length)
                .put(blue);
        String header = """
                {"inputs": [{"name": "image", "shape": [1], "datatype": "BYTES",
                             "parameters": {"binary_data_size": %d}}],
                 "outputs": [{"name": "scores", "parameters": {"classification": 1, "binary_data": true}}]}"""
                .formatted(raw.capacity());
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(json.length + raw.capacity()).put(json).put(raw.array()).array();
        Response response = given().auth().oauth2(token).contentType("application/octet-stream")
                .header("Inference-Header-Content-Length", json.length).body(body).post("/v2/models/colours/infer");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        byte[] answer = response.asByteArray();
        int jsonLength = Integer.parseInt(response.header("Inference-Header-Content-Length"));
        ByteBuffer strings = ByteBuffer.wrap(answer, jsonLength, answer.length - jsonLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        List<String> classes = new ArrayList<>();
        while (strings.hasRemaining()) {
            byte[] text = new byte[strings.getInt()];
            strings.get(text);
            classes.add(new String(text, StandardCharsets.UTF_8));
        }
        assertThat(classes).hasSize(1);
        assertThat(classes.get(0)).endsWith(":2:blue");
    }

    @Test
    void picturesThatCannotBeUsedAreA400NamingThem() {
        String red = base64(Fixtures.solidPng(4, 4, 0xFF0000));
        Response notAPicture = infer("colours", pictures("image", red, base64("hello".getBytes())).formatted(""));
        assertThat(notAPicture.statusCode()).isEqualTo(400);
        assertThat(notAPicture.contentType()).startsWith("application/problem+json");
        assertThat(notAPicture.jsonPath().getString("detail")).contains("Picture 1 of input 'image' cannot be used");

        Response notBase64 = infer("colours", pictures("image", "not*base64").formatted(""));
        assertThat(notBase64.statusCode()).isEqualTo(400);
        assertThat(notBase64.jsonPath().getString("detail")).contains("not base64 at position 0");

        Response wrongCount = infer("colours", """
                {"inputs": [{"name": "image", "shape": [2], "datatype": "BYTES", "data": ["%s"]}]}""".formatted(red));
        assertThat(wrongCount.statusCode()).isEqualTo(400);
        assertThat(wrongCount.jsonPath().getString("detail")).contains("has 1 pictures; shape [2] says 2");

        Response wrongShape = infer("colours", """
                {"inputs": [{"name": "image", "shape": [1, 2], "datatype": "BYTES", "data": ["%s", "%s"]}]}"""
                .formatted(red, red));
        assertThat(wrongShape.statusCode()).isEqualTo(400);
        assertThat(wrongShape.jsonPath().getString("detail")).contains("shape [N] or [N, 1]");

        // A model without image settings takes tensors only.
        Response tabular = infer("pair", pictures("a", red).formatted(""));
        assertThat(tabular.statusCode()).isEqualTo(400);
        assertThat(tabular.jsonPath().getString("detail")).contains("Input 'a' has datatype BYTES");

        Response notClasses = infer("pair", """
                {"inputs": [{"name": "a", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]},
                            {"name": "b", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}],
                 "outputs": [{"name": "sum", "parameters": {"classification": 1}}]}""");
        assertThat(notClasses.statusCode()).isEqualTo(400);
        assertThat(notClasses.jsonPath().getString("detail")).contains("Output 'sum' cannot be classified");

        Response zero = infer("colours", pictures("image", red).formatted(
                ", \"outputs\": [{\"name\": \"scores\", \"parameters\": {\"classification\": 0}}]"));
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(zero.jsonPath().getString("detail")).contains("1 or more");
    }
}
