package dev.modelserving.v2;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Open Inference Protocol (KServe V2) endpoints. */
@QuarkusTest
class InferenceResourceTest {

    private static final String INFER = "/v2/models/fashion-mnist/infer";
    private String token;

    @BeforeEach
    void login() {
        token = Api.newUserToken();
    }

    static List<Float> pixels(Fixtures.Fixture fixture) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(fixture.bytes()));
        List<Float> values = new ArrayList<>(784);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                values.add(image.getRaster().getSample(x, y, 0) / 255f);
            }
        }
        return values;
    }

    private Response infer(Object body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).post(INFER);
    }

    private static Map<String, Object> request(String name, List<?> shape, String datatype, List<?> data) {
        return Map.of("inputs", List.of(Map.of("name", name, "shape", shape, "datatype", datatype, "data", data)));
    }

    @Test
    void serverMetadataAndHealth() {
        given().get("/v2").then().statusCode(200)
                .body("name", Matchers.equalTo("model-serving"))
                .body("version", Matchers.notNullValue());
        given().get("/v2/health/live").then().statusCode(200).body("live", Matchers.is(true));
        given().get("/v2/health/ready").then().statusCode(200).body("ready", Matchers.is(true));
    }

    @Test
    void modelMetadataAndReadiness() {
        Response meta = given().get("/v2/models/fashion-mnist");
        assertThat(meta.statusCode()).isEqualTo(200);
        assertThat(meta.jsonPath().getString("name")).isEqualTo("fashion-mnist");
        assertThat(meta.jsonPath().getList("versions")).containsExactly("1");
        assertThat(meta.jsonPath().getString("platform")).isEqualTo("onnxruntime_onnx");
        assertThat(meta.jsonPath().getString("inputs[0].name")).isEqualTo("input");
        assertThat(meta.jsonPath().getString("inputs[0].datatype")).isEqualTo("FP32");
        assertThat(meta.jsonPath().getList("inputs[0].shape", Integer.class)).containsExactly(-1, 784);
        assertThat(meta.jsonPath().getString("outputs[0].datatype")).isEqualTo("FP32");
        assertThat(meta.jsonPath().getList("outputs[0].shape", Integer.class)).containsExactly(-1, 10);
        given().get("/v2/models/fashion-mnist/ready").then().statusCode(200)
                .body("ready", Matchers.is(true));
    }

    @Test
    void anUnknownModelIs404() {
        assertThat(assertProblem(given().get("/v2/models/resnet"), 404, "/v2/models/resnet")).contains("resnet");
        assertProblem(given().get("/v2/models/resnet/ready"), 404, "/v2/models/resnet/ready");
        Response infer = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(request("input", List.of(1, 784), "FP32", List.of())).post("/v2/models/resnet/infer");
        assertProblem(infer, 404, "/v2/models/resnet/infer");
    }

    @Test
    void infersABatchOfOneLikePredictions() throws IOException {
        Fixtures.Fixture fixture = Fixtures.first();
        Response response = infer(request("input", List.of(1, 784), "FP32", pixels(fixture)));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("model_name")).isEqualTo("fashion-mnist");
        assertThat(response.jsonPath().getString("model_version")).isEqualTo("1");
        assertThat(response.jsonPath().getString("outputs[0].name")).isEqualTo("output");
        assertThat(response.jsonPath().getString("outputs[0].datatype")).isEqualTo("FP32");
        assertThat(response.jsonPath().getList("outputs[0].shape", Integer.class)).containsExactly(1, 10);
        List<Float> probabilities = response.jsonPath().getList("outputs[0].data", Float.class);
        assertThat(probabilities).hasSize(10);
        assertThat(probabilities.stream().mapToDouble(Float::doubleValue).sum()).isCloseTo(1.0, within(1e-3));

        Response predicted = given().auth().oauth2(token).contentType("image/png").body(fixture.bytes())
                .post("/predictions");
        float confidence = predicted.jsonPath().getFloat("confidence");
        assertThat(probabilities.stream().max(Float::compare).orElseThrow()).isCloseTo(confidence, within(1e-6f));
    }

    @Test
    void honoursTheBatchDimensionWithFlatAndNestedData() throws IOException {
        List<Fixtures.Fixture> fixtures = Fixtures.all().subList(0, 3);
        List<Float> flat = new ArrayList<>();
        List<List<Float>> nested = new ArrayList<>();
        for (Fixtures.Fixture fixture : fixtures) {
            flat.addAll(pixels(fixture));
            nested.add(pixels(fixture));
        }
        Response fromFlat = infer(request("input", List.of(3, 784), "FP32", flat));
        Response fromNested = infer(request("input", List.of(3, 784), "FP32", nested));
        assertThat(fromFlat.statusCode()).isEqualTo(200);
        assertThat(fromFlat.jsonPath().getList("outputs[0].shape", Integer.class)).containsExactly(3, 10);
        List<Float> data = fromFlat.jsonPath().getList("outputs[0].data", Float.class);
        assertThat(data).hasSize(30);
        assertThat(fromNested.jsonPath().getList("outputs[0].data", Float.class)).isEqualTo(data);
        for (int row = 0; row < 3; row++) {
            double sum = data.subList(row * 10, row * 10 + 10).stream().mapToDouble(Float::doubleValue).sum();
            assertThat(sum).isCloseTo(1.0, within(1e-3));
        }
    }

    /**
     * Concurrent requests are run together in shared model runs; each must get the output of its own rows, as it gets
     * when sent alone.
     */
    @Test
    void concurrentRequestsEachGetTheOutputOfTheirOwnRows() throws Exception {
        List<Fixtures.Fixture> fixtures = Fixtures.all().subList(0, 4);
        List<List<Float>> rows = new ArrayList<>();
        List<List<Float>> alone = new ArrayList<>();
        for (Fixtures.Fixture fixture : fixtures) {
            rows.add(pixels(fixture));
            alone.add(infer(request("input", List.of(1, 784), "FP32", rows.get(rows.size() - 1))).jsonPath()
                    .getList("outputs[0].data", Float.class));
        }
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int first = i % rows.size();
                int second = (i + 1) % rows.size();
                boolean pair = i % 3 == 0;
                calls.add(clients.submit(() -> {
                    List<Float> data = new ArrayList<>(rows.get(first));
                    if (pair) {
                        data.addAll(rows.get(second));
                    }
                    Response response = infer(request("input", List.of(pair ? 2 : 1, 784), "FP32", data));
                    assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
                    List<Float> out = response.jsonPath().getList("outputs[0].data", Float.class);
                    List<Float> expected = new ArrayList<>(alone.get(first));
                    if (pair) {
                        expected.addAll(alone.get(second));
                    }
                    assertThat(out).hasSameSizeAs(expected);
                    for (int k = 0; k < out.size(); k++) {
                        assertThat(out.get(k)).as("value " + k).isCloseTo(expected.get(k), within(1e-5f));
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void echoesTheRequestId() throws IOException {
        Response response = infer(Map.of("id", "req-42", "inputs", List.of(Map.of("name", "input",
                "shape", List.of(1, 784), "datatype", "FP32", "data", pixels(Fixtures.first())))));
        assertThat(response.jsonPath().getString("id")).isEqualTo("req-42");
    }

    @Test
    void wrongInputsAre400NamingTheInput() throws IOException {
        List<Float> one = pixels(Fixtures.first());
        assertThat(assertProblem(infer(request("pixels", List.of(1, 784), "FP32", one)), 400, INFER))
                .contains("'pixels'");
        assertThat(assertProblem(infer(request("input", List.of(1, 784), "FP64", one)), 400, INFER))
                .contains("'input'").contains("FP64");
        assertThat(assertProblem(infer(request("input", List.of(1, 28, 28), "FP32", one)), 400, INFER))
                .contains("'input'").contains("shape");
        assertThat(assertProblem(infer(request("input", List.of(2, 784), "FP32", one)), 400, INFER))
                .contains("'input'").contains("784 values");
        List<Object> withText = new ArrayList<>(one);
        withText.set(5, "five");
        assertThat(assertProblem(infer(request("input", List.of(1, 784), "FP32", withText)), 400, INFER))
                .contains("non-numeric");
        assertThat(assertProblem(infer(Map.of("inputs", List.of())), 400, INFER)).contains("no inputs");
        assertThat(assertProblem(infer(request("input", List.of(257, 784), "FP32", one)), 400, INFER))
                .contains("at most 256");
    }

    @Test
    void malformedJsonIs400AndNoTokenIs401() {
        assertProblem(given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"inputs\": [").post(INFER),
                400, INFER);
        assertProblem(given().contentType(ContentType.JSON).body(Map.of("inputs", List.of())).post(INFER), 401,
                INFER);
        Response wrongType = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"inputs\": [{\"name\": \"input\", \"shape\": \"1x784\"}]}").post(INFER);
        assertThat(assertProblem(wrongType, 400, INFER)).contains("/inputs/0/shape");
        assertProblem(given().auth().oauth2(token).contentType(ContentType.JSON).post(INFER), 400, INFER);
    }

    @Test
    void aNullInputIs400NamingWhere() {
        Response response = given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"inputs\":[null]}")
                .post(INFER);
        assertThat(assertProblem(response, 400, INFER)).contains("Input 0 is null");
        assertThat(response.jsonPath().getString("errors[0].pointer")).isEqualTo("/inputs/0");
    }

    @Test
    void valuesThatAreNotFiniteFp32NumbersAre400NamingThePosition() throws IOException {
        for (String value : List.of("1e39", "-1e39", "1e308", "null")) {
            String data = "[" + "0.5,".repeat(7) + value + "," + "0.5,".repeat(775) + "0.5]";
            Response response = given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\",\"data\":"
                            + data + "}]}")
                    .post(INFER);
            assertThat(assertProblem(response, 400, INFER)).as(value).contains("'input'").contains("position 7")
                    .contains(value);
        }
    }

    @Test
    void inputsThatDriveTheModelPastFiniteNumbersAre422NotNaN() {
        List<Float> huge = Collections.nCopies(784, 1e30f);
        Response response = infer(request("input", List.of(1, 784), "FP32", huge));
        String detail = assertProblem(response, 422, INFER);
        assertThat(detail).contains("row 0").contains("not a finite number");
        assertThat(response.asString()).as("no NaN answered as a value").doesNotContain("\"NaN\"")
                .doesNotContain("\"data\"");
    }
}
