package dev.modelserving.model;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.OnnxModels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Models that are not classifiers, without {@code config.json}, served through the Open Inference Protocol with the
 * signatures their files declare: a tabular model (the default: {@code y = x W + b}, and a clear 422 from the endpoints
 * that need pictures and labels), two inputs and two outputs, an input and output of every served datatype, a model
 * that cannot batch, and one whose rows have any length. Every answer is computed by hand.
 */
@QuarkusTest
@TestProfile(TensorModelTest.TabularRepository.class)
class TensorModelTest {

    static final Path REPOSITORY = Path.of("target", "test-repositories", "tabular").toAbsolutePath();

    public static class TabularRepository implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            OnnxModels.writeModel(REPOSITORY, "scores", 1,
                    OnnxModels.linear(new float[][]{{1, 0, 2}, {0, 1, -1}}, new float[]{0.5f, 0, 0}), null);
            OnnxModels.writeModel(REPOSITORY, "pair", 1, OnnxModels.sumAndProduct(), null);
            OnnxModels.writeModel(REPOSITORY, "typed", 1, OnnxModels.everyType(), null);
            OnnxModels.writeModel(REPOSITORY, "fixed", 1, OnnxModels.fixedRowMaxima(), null);
            OnnxModels.writeModel(REPOSITORY, "ragged", 1, OnnxModels.rowMaxima(), null);
            OnnxModels.writeModel(REPOSITORY, "unsplittable", 1, OnnxModels.flattenClaimingRows(), null);
            OnnxModels.writeModel(REPOSITORY, "labelled-pair", 1, OnnxModels.sumAndProduct(),
                    "{\"labels\": [\"low\", \"high\"]}");
            return Map.of("app.models.repository", REPOSITORY.toString(), "app.models.default", "scores");
        }
    }

    @Test
    void tensorsGetXTimesWPlusB() {
        Response response = given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(Map.of("name", "x", "shape", List.of(2, 2), "datatype", "FP32",
                        "data", List.of(List.of(1, 2), List.of(-1, 0))))))
                .post("/v2/models/scores/infer");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getList("outputs[0].shape", Integer.class)).containsExactly(2, 3);
        assertThat(response.jsonPath().getList("outputs[0].data", Float.class))
                .containsExactly(1.5f, 2f, 0f, -0.5f, 0f, -2f);
    }

    @Test
    void picturesAndOrdersAreRefusedSayingWhatTheModelLacks() {
        String token = Api.newUserToken();
        Response picture = given().auth().oauth2(token).contentType("image/png")
                .body(Fixtures.solidPng(4, 4, 0xFF0000)).post("/predictions");
        assertThat(picture.statusCode()).isEqualTo(422);
        assertThat(picture.contentType()).startsWith("application/problem+json");
        assertThat(picture.jsonPath().getString("detail")).contains("Model 'scores' has no 'labels'")
                .contains("/v2/models/scores/infer");
        Response order = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("items", List.of(Map.of("pixels", new float[2])))).post("/orders");
        assertThat(order.statusCode()).isEqualTo(422);
        assertThat(order.jsonPath().getString("detail")).contains("Model 'scores' has no 'labels'");
    }

    @Test
    void theReadinessAndMetadataNameTheRepositorysOnlyModel() {
        assertThat(given().get("/v2/models/scores/ready").statusCode()).isEqualTo(200);
        Response other = given().get("/v2/models/fashion-mnist");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.jsonPath().getString("detail")).contains("Model 'fashion-mnist' not found");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    private static Response infer(String model, String body) {
        return given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON).body(body)
                .post("/v2/models/" + model + "/infer");
    }

    private static JsonNode ok(Response response) throws IOException {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return JSON.readTree(response.asString());
    }

    private static String problem(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        return response.jsonPath().getString("detail");
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static final String PAIR = """
            {"inputs": [{"name": "a", "shape": [2, 2], "datatype": "FP32", "data": [[1, 2], [3, 4]]},
                        {"name": "b", "shape": [2, 2], "datatype": "FP32", "data": [10, 20, 0.5, 2]}]%s}""";

    @Test
    void twoInputsGiveTwoOutputsAndARequestGetsTheOutputsItNames() throws IOException {
        JsonNode both = ok(infer("pair", PAIR.formatted("")));
        assertThat(both.path("outputs").findValuesAsText("name")).containsExactly("sum", "product");
        assertThat(texts(both.at("/outputs/0/data"))).containsExactly("11.0", "22.0", "3.5", "6.0");
        assertThat(texts(both.at("/outputs/1/data"))).containsExactly("10.0", "40.0", "1.5", "8.0");
        assertThat(texts(both.at("/outputs/1/shape"))).containsExactly("2", "2");

        JsonNode product = ok(infer("pair", PAIR.formatted(", \"outputs\": [{\"name\": \"product\"}]")));
        assertThat(product.path("outputs")).hasSize(1);
        assertThat(product.at("/outputs/0/name").asText()).isEqualTo("product");
        assertThat(texts(product.at("/outputs/0/data"))).containsExactly("10.0", "40.0", "1.5", "8.0");

        assertThat(problem(infer("pair", PAIR.formatted(", \"outputs\": [{\"name\": \"ratio\"}]"))))
                .isEqualTo("Unknown output 'ratio'; the model's outputs are [sum, product]");
    }

    @Test
    void theInputsMustBeExactlyTheModelsWithTheSameRows() {
        String onlyA = """
                {"inputs": [{"name": "a", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}""";
        assertThat(problem(infer("pair", onlyA))).isEqualTo("Input 'b' is missing; the model takes [a, b]");
        String twice = """
                {"inputs": [{"name": "a", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]},
                            {"name": "a", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}""";
        assertThat(problem(infer("pair", twice))).isEqualTo("Input 'a' is given twice");
        String rows = """
                {"inputs": [{"name": "a", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]},
                            {"name": "b", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""";
        assertThat(problem(infer("pair", rows))).contains("Input 'b' has 2 rows and input 'a' 1");
        String unknown = """
                {"inputs": [{"name": "c", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}""";
        assertThat(problem(infer("pair", unknown))).isEqualTo("Unknown input 'c'; the model's inputs are [a, b]");
    }

    @Test
    void dataBeforeItsDatatypeIsReadAsTheDatatypeSays() throws IOException {
        String dataFirst = """
                {"inputs": [{"data": [[1, 2]], "name": "a", "shape": [1, 2], "datatype": "FP32"},
                            {"data": [3, 5], "shape": [1, 2], "datatype": "FP32", "name": "b"}]}""";
        assertThat(texts(ok(infer("pair", dataFirst)).at("/outputs/1/data"))).containsExactly("3.0", "10.0");
    }

    @Test
    void theMetadataIsTheSignatureOfTheModelFile() throws IOException {
        JsonNode typed = JSON.readTree(given().get("/v2/models/typed").asString());
        List<String> inputs = new ArrayList<>();
        typed.path("inputs").forEach(input -> inputs.add(input.path("name").asText() + " "
                + input.path("datatype").asText() + " " + input.path("shape")));
        assertThat(inputs).containsExactly("ids INT64 [-1,2]", "counts INT32 [-1,2]", "offsets INT8 [-1,2]",
                "pixels UINT8 [-1,2]", "x FP64 [-1,2]", "flags BOOL [-1,2]");
        assertThat(typed.path("outputs")).hasSize(6);
        JsonNode fixed = JSON.readTree(given().get("/v2/models/fixed").asString());
        assertThat(fixed.at("/inputs/0/shape").toString()).isEqualTo("[2,3]");
        assertThat(fixed.at("/outputs/0/shape").toString()).isEqualTo("[2]");
    }

    private static final String TYPED = """
            {"inputs": [{"name": "ids", "shape": [2, 2], "datatype": "INT64", "data": [%s]},
                        {"name": "counts", "shape": [2, 2], "datatype": "INT32", "data": [7, -2, 2147483647, 0]},
                        {"name": "offsets", "shape": [2, 2], "datatype": "INT8", "data": [%s]},
                        {"name": "pixels", "shape": [2, 2], "datatype": "UINT8", "data": [%s]},
                        {"name": "x", "shape": [2, 2], "datatype": "%s", "data": [0.1, 1e300, -2.5, 0]},
                        {"name": "flags", "shape": [2, 2], "datatype": "BOOL", "data": [%s]}]}""";

    private static String typed(String ids, String offsets, String pixels, String xType, String flags) {
        return TYPED.formatted(ids, offsets, pixels, xType, flags);
    }

    @Test
    void everyDatatypeGoesInAndComesOutAsItsOwnType() throws IOException {
        // 2^60 + 1 doubled: exact only as a 64-bit integer all the way (a double has 53 bits).
        JsonNode answer = ok(infer("typed", typed("1152921504606846977, -3, 0, 9007199254740993", "5, -100, 127, 0",
                "200, 255, 0, 1", "FP64", "true, false, false, true")));
        assertThat(texts(answer.at("/outputs/0/data"))).containsExactly("2305843009213693954", "-6", "0",
                "18014398509481986");
        assertThat(answer.at("/outputs/0/datatype").asText()).isEqualTo("INT64");
        assertThat(texts(answer.at("/outputs/1/data"))).containsExactly("-7", "2", "-2147483647", "0");
        assertThat(texts(answer.at("/outputs/2/data"))).containsExactly("-5", "100", "-127", "0");
        assertThat(texts(answer.at("/outputs/3/data"))).containsExactly("200", "255", "0", "1");
        assertThat(answer.at("/outputs/4/datatype").asText()).isEqualTo("FP64");
        assertThat(answer.at("/outputs/4/data/0").asDouble()).isEqualTo(0.2);
        assertThat(answer.at("/outputs/4/data/1").asDouble()).isEqualTo(2e300);
        assertThat(texts(answer.at("/outputs/5/data"))).containsExactly("false", "true", "true", "false");
        assertThat(answer.at("/outputs/5/data/0").isBoolean()).isTrue();
    }

    @Test
    void aValueThatIsNotOfTheDatatypeIsA400NamingTheInputAndThePosition() {
        String ids = "1, 2, 3, 4";
        String offsets = "1, 2, 3, 4";
        String pixels = "1, 2, 3, 4";
        String flags = "true, true, true, true";
        assertThat(problem(infer("typed", typed(ids, "1, 128, 3, 4", pixels, "FP64", flags))))
                .isEqualTo("Input 'offsets' has an integer out of the range of INT8 at position 1: 128");
        assertThat(problem(infer("typed", typed(ids, offsets, "1, 2, -1, 4", "FP64", flags))))
                .isEqualTo("Input 'pixels' has an integer out of the range of UINT8 at position 2: -1");
        assertThat(problem(infer("typed", typed("1, 2.5, 3, 4", offsets, pixels, "FP64", flags))))
                .isEqualTo("Input 'ids' has a value that is not an integer at position 1: 2.5");
        assertThat(problem(infer("typed", typed("1, 2, 3, 99999999999999999999", offsets, pixels, "FP64", flags))))
                .startsWith("Input 'ids' has an integer out of the range of INT64 at position 3");
        assertThat(problem(infer("typed", typed(ids, offsets, pixels, "FP64", "true, 1, true, true"))))
                .isEqualTo("Input 'flags' has a value that is not true or false at position 1: 1");
        assertThat(problem(infer("typed", typed(ids, offsets, pixels, "FP32", flags))))
                .isEqualTo("Input 'x' has datatype FP32; the model takes FP64");
        assertThat(problem(infer("typed", typed(ids, offsets, pixels, "STRING", flags))))
                .isEqualTo("Input 'x' has datatype STRING; the model takes FP64");
    }

    @Test
    void aModelThatCannotBatchRunsEachRequestAloneAtItsOwnShape() throws Exception {
        String body = """
                {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [%d, 2, 3, -1, -5, %d]}]}""";
        assertThat(texts(ok(infer("fixed", body.formatted(1, -2))).at("/outputs/0/data"))).containsExactly("3.0",
                "-1.0");
        String oneRow = """
                {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""";
        assertThat(problem(infer("fixed", oneRow))).isEqualTo("Input 'x' has shape [1, 3]; the model takes [2, 3]");
        // Concurrent requests: each answer is its own request's, computed alone.
        String token = Api.newUserToken();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int high = 10 + i;
                answers.add(clients.submit(() -> given().auth().oauth2(token).contentType(ContentType.JSON)
                        .body(body.formatted(high, -high)).post("/v2/models/fixed/infer")));
            }
            for (int i = 0; i < answers.size(); i++) {
                JsonNode answer = ok(answers.get(i).get(30, TimeUnit.SECONDS));
                assertThat(texts(answer.at("/outputs/0/data"))).containsExactly((10 + i) + ".0", "-1.0");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void rowsOfDifferentLengthsAreServedTogetherEachWithItsOwnAnswer() throws Exception {
        String body = """
                {"inputs": [{"name": "x", "shape": [%d, %d], "datatype": "FP32", "data": %s}]}""";
        String token = Api.newUserToken();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                int length = 1 + i % 4;
                List<Integer> data = new ArrayList<>();
                for (int row = 0; row < 2; row++) {
                    for (int j = 0; j < length; j++) {
                        data.add(j == length - 1 ? i * 10 + row : -j);
                    }
                }
                answers.add(clients.submit(() -> given().auth().oauth2(token).contentType(ContentType.JSON)
                        .body(body.formatted(2, length, data)).post("/v2/models/ragged/infer")));
            }
            for (int i = 0; i < answers.size(); i++) {
                JsonNode answer = ok(answers.get(i).get(30, TimeUnit.SECONDS));
                assertThat(texts(answer.at("/outputs/0/data"))).as("request " + i)
                        .containsExactly(i * 10 + ".0", (i * 10 + 1) + ".0");
                assertThat(answer.at("/outputs/0/shape").toString()).isEqualTo("[2,1]");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void labelsForAModelThatIsNotAClassifierMakeItUnavailableSayingWhy() {
        Response models = given().auth().oauth2(Api.newUserToken()).get("/models");
        assertThat(models.statusCode()).isEqualTo(200);
        List<Map<String, String>> entries = models.jsonPath().getList("models.findAll { it.name == 'labelled-pair' }");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("state")).isEqualTo("UNAVAILABLE");
        assertThat(entries.get(0).get("reason")).contains("labelled-pair/config.json: 'labels' is for a classifier")
                .contains("a classifier takes one input, the model has [a, b]");
        assertThat(given().get("/v2/models/pair/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aModelWhoseOutputDoesNotFollowItsBatchDimensionIsUnavailableSayingWhy() {
        Response models = given().auth().oauth2(Api.newUserToken()).get("/models");
        List<Map<String, String>> entries = models.jsonPath().getList("models.findAll { it.name == 'unsplittable' }");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("state")).isEqualTo("UNAVAILABLE");
        assertThat(entries.get(0).get("reason")).contains("unsplittable/1/model.onnx failed its warm-up run")
                .contains("output 'values' has shape [4] for 2 input rows").contains("needs a fixed first dimension");
    }

    /** A binary-data request: the JSON header, then the parts' bytes. */
    private static byte[] binaryBody(String json, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        return body.toByteArray();
    }

    private static byte[] floats(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return bytes.array();
    }

    private static Response inferBinary(String model, String json, byte[]... parts) {
        return given().auth().oauth2(Api.newUserToken()).contentType("application/octet-stream")
                .header("Inference-Header-Content-Length", json.getBytes(StandardCharsets.UTF_8).length)
                .body(binaryBody(json, parts)).post("/v2/models/" + model + "/infer");
    }

    private static final String BINARY_PAIR = """
            {"inputs": [{"name": "a", "shape": [2, 2], "datatype": "FP32", "parameters": {"binary_data_size": 16}},
                        {"name": "b", "shape": [2, 2], "datatype": "FP32", "data": [10, 20, 0.5, 2]}]%s}""";

    @Test
    void binaryInputsAreReadAfterTheJsonAndBinaryOutputsAnsweredAfterIt() throws IOException {
        Response response = inferBinary("pair",
                BINARY_PAIR.formatted(", \"parameters\": {\"binary_data_output\": true}"),
                floats(1, 2, 3, 4));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/octet-stream");
        byte[] body = response.asByteArray();
        int headerLength = Integer.parseInt(response.header("Inference-Header-Content-Length"));
        JsonNode header = JSON.readTree(new String(body, 0, headerLength, StandardCharsets.UTF_8));
        assertThat(header.path("outputs").findValuesAsText("name")).containsExactly("sum", "product");
        assertThat(header.at("/outputs/0/parameters/binary_data_size").asInt()).isEqualTo(16);
        assertThat(header.at("/outputs/0/data").isMissingNode()).isTrue();
        assertThat(body.length).isEqualTo(headerLength + 32);
        FloatBuffer raw = ByteBuffer.wrap(body, headerLength, 32).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] values = new float[8];
        raw.get(values);
        assertThat(values).containsExactly(11, 22, 3.5f, 6, 10, 40, 1.5f, 8);
    }

    @Test
    void oneOutputCanBeBinaryAndAnotherJson() throws IOException {
        Response response = inferBinary("pair", BINARY_PAIR.formatted(", \"outputs\": [{\"name\": \"sum\"}, "
                + "{\"name\": \"product\", \"parameters\": {\"binary_data\": true}}]"), floats(1, 2, 3, 4));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        byte[] body = response.asByteArray();
        int headerLength = Integer.parseInt(response.header("Inference-Header-Content-Length"));
        JsonNode header = JSON.readTree(new String(body, 0, headerLength, StandardCharsets.UTF_8));
        assertThat(texts(header.at("/outputs/0/data"))).containsExactly("11.0", "22.0", "3.5", "6.0");
        assertThat(header.at("/outputs/1/parameters/binary_data_size").asInt()).isEqualTo(16);
        assertThat(ByteBuffer.wrap(body, headerLength + 12, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat())
                .isEqualTo(8f);
        // Binary inputs alone give a JSON answer.
        JsonNode json = ok(inferBinary("pair", BINARY_PAIR.formatted(""), floats(1, 2, 3, 4)));
        assertThat(texts(json.at("/outputs/1/data"))).containsExactly("10.0", "40.0", "1.5", "8.0");
    }

    @Test
    void aBinaryRequestWithoutContentTypeIsServedAsTritonsClientSendsIt() throws Exception {
        String json = BINARY_PAIR.formatted("");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "v2/models/pair/infer"))
                .header("Authorization", "Bearer " + Api.newUserToken())
                .header("Inference-Header-Content-Length", String.valueOf(json.length()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(binaryBody(json, floats(1, 2, 3, 4)))).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(texts(JSON.readTree(response.body()).at("/outputs/0/data"))).containsExactly("11.0", "22.0", "3.5",
                "6.0");
    }

    @Test
    void everyDatatypeTravelsAsBinaryData() throws IOException {
        ByteBuffer ids = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putLong((1L << 60) + 1).putLong(-3)
                .putLong(0).putLong(7);
        String json = """
                {"inputs": [{"name": "ids", "shape": [2, 2], "datatype": "INT64", "parameters": {"binary_data_size": 32}},
                            {"name": "counts", "shape": [2, 2], "datatype": "INT32", "data": [1, 2, 3, 4]},
                            {"name": "offsets", "shape": [2, 2], "datatype": "INT8", "data": [1, 2, 3, 4]},
                            {"name": "pixels", "shape": [2, 2], "datatype": "UINT8", "parameters": {"binary_data_size": 4}},
                            {"name": "x", "shape": [2, 2], "datatype": "FP64", "data": [1, 2, 3, 4]},
                            {"name": "flags", "shape": [2, 2], "datatype": "BOOL", "parameters": {"binary_data_size": 4}}],
                 "outputs": [{"name": "ids_doubled", "parameters": {"binary_data": true}}, {"name": "pixels_out"},
                             {"name": "flags_negated"}]}""";
        Response response = inferBinary("typed", json, ids.array(), new byte[]{(byte) 200, (byte) 255, 0, 1},
                new byte[]{1, 0, 0, 1});
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        byte[] body = response.asByteArray();
        int headerLength = Integer.parseInt(response.header("Inference-Header-Content-Length"));
        JsonNode header = JSON.readTree(new String(body, 0, headerLength, StandardCharsets.UTF_8));
        assertThat(texts(header.at("/outputs/1/data"))).containsExactly("200", "255", "0", "1");
        assertThat(texts(header.at("/outputs/2/data"))).containsExactly("false", "true", "true", "false");
        ByteBuffer doubled = ByteBuffer.wrap(body, headerLength, 32).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(doubled.getLong()).isEqualTo((1L << 61) + 2);
        assertThat(doubled.getLong()).isEqualTo(-6);
    }

    @Test
    void binaryDataThatDoesNotAddUpIsA400NamingTheInput() {
        String json = BINARY_PAIR.formatted("");
        assertThat(problem(inferBinary("pair", json, floats(1, 2, 3, 4, 5))))
                .isEqualTo("The body has 20 bytes of binary data after the JSON, but the inputs' binary_data_size "
                        + "add up to 16");
        assertThat(problem(inferBinary("pair", json, floats(1, 2, 3))))
                .isEqualTo("Input 'a' has binary_data_size 16, but only 12 bytes of binary data are left for it");
        String odd = json.replace("\"binary_data_size\": 16", "\"binary_data_size\": 14");
        assertThat(problem(inferBinary("pair", odd, Arrays.copyOf(floats(1, 2, 3, 4), 14))))
                .startsWith("Input 'a' has binary data of 14 bytes, not a whole number of FP32 elements");
        String short12 = json.replace("\"binary_data_size\": 16", "\"binary_data_size\": 12");
        assertThat(problem(inferBinary("pair", short12, floats(1, 2, 3))))
                .isEqualTo("Input 'a' has 3 values; shape [2, 2] needs 4");
        String both = json.replace("\"parameters\": {\"binary_data_size\": 16}",
                "\"data\": [1, 2, 3, 4], \"parameters\": {\"binary_data_size\": 16}");
        assertThat(problem(inferBinary("pair", both, floats(1, 2, 3, 4))))
                .startsWith("Input 'a' has both data and binary_data_size");
        Response past = given().auth().oauth2(Api.newUserToken()).contentType("application/octet-stream")
                .header("Inference-Header-Content-Length", 100_000).body(binaryBody(json, floats(1, 2, 3, 4)))
                .post("/v2/models/pair/infer");
        assertThat(problem(past)).startsWith("The Inference-Header-Content-Length header says the JSON is 100000 "
                + "bytes, but the body has");
    }
}
