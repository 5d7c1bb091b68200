package dev.modelserving.model;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.OnnxModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A repository of several models, two versions of one of them served side by side, and models whose files are wrong:
 * requests choose by name and version, the answer names the version that produced it, and the broken models are
 * UNAVAILABLE with their reasons while the others serve.
 */
@QuarkusTest
@TestProfile(MultiModelTest.Repository.class)
class MultiModelTest {

    static final Path REPOSITORY = Path.of("target", "test-repositories", "several").toAbsolutePath();
    private static final String COLOURS_CONFIG = """
            {"labels": ["red", "green", "blue"], "image": {"resize": "stretch"}, "output": {"softmax": true},
             "versionPolicy": {"all": true}}
            """;

    public static class Repository implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Two versions of different input sizes: the metadata proves which one answers.
            OnnxModels.writeModel(REPOSITORY, "colours", 1, OnnxModels.channelMeans(true, 4, 4), COLOURS_CONFIG);
            OnnxModels.writeModel(REPOSITORY, "colours", 2, OnnxModels.channelMeans(true, 2, 2), COLOURS_CONFIG);
            OnnxModels.writeModel(REPOSITORY, "tabular", 1,
                    OnnxModels.linear(new float[][]{{2}}, new float[]{1}), null);
            OnnxModels.writeModel(REPOSITORY, "misspelt", 1, OnnxModels.channelMeans(true, 2, 2),
                    "{\"lables\": [\"a\", \"b\", \"c\"]}");
            OnnxModels.writeModel(REPOSITORY, "wrong-labels", 1, OnnxModels.channelMeans(true, 2, 2),
                    "{\"labels\": [\"a\", \"b\"]}");
            OnnxModels.writeModel(REPOSITORY, "corrupt", 1, "not an ONNX file".getBytes(), null);
            OnnxModels.writeModel(REPOSITORY, "bad name!", 1, OnnxModels.channelMeans(true, 2, 2), null);
            try {
                Files.createDirectories(REPOSITORY.resolve("colours").resolve("v3"));
                Files.createDirectories(REPOSITORY.resolve("renamed-version").resolve("latest"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("app.models.repository", REPOSITORY.toString(), "app.models.default", "tabular");
        }
    }

    @Test
    void aPictureGoesToTheModelAndVersionNamed() {
        String token = Api.newUserToken();
        byte[] red = Fixtures.solidPng(6, 6, 0xFF0000);
        Response newest = given().auth().oauth2(token).contentType("image/png").body(red)
                .queryParam("model", "colours").post("/predictions");
        assertThat(newest.statusCode()).as(newest.asString()).isEqualTo(200);
        assertThat(newest.jsonPath().getString("label")).isEqualTo("red");
        assertThat(newest.jsonPath().getString("model.version")).isEqualTo("2");
        Response first = given().auth().oauth2(token).contentType("image/png").body(red)
                .queryParam("model", "colours").queryParam("version", "1").post("/predictions");
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(200);
        assertThat(first.jsonPath().getString("model.version")).isEqualTo("1");
    }

    @Test
    void unknownModelsAndVersionsAre404AndBrokenOnes503WithTheirReason() {
        String token = Api.newUserToken();
        byte[] red = Fixtures.solidPng(2, 2, 0xFF0000);
        Response unknown = given().auth().oauth2(token).contentType("image/png").body(red)
                .queryParam("model", "nope").post("/predictions");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.jsonPath().getString("detail")).contains("Model 'nope' not found").contains("colours");
        Response version = given().auth().oauth2(token).contentType("image/png").body(red)
                .queryParam("model", "colours").queryParam("version", "9").post("/predictions");
        assertThat(version.statusCode()).isEqualTo(404);
        assertThat(version.jsonPath().getString("detail")).contains("has no version '9'");
        Response misspelt = given().auth().oauth2(token).contentType("image/png").body(red)
                .queryParam("model", "misspelt").post("/predictions");
        assertThat(misspelt.statusCode()).isEqualTo(503);
        assertThat(misspelt.jsonPath().getString("detail")).contains("unknown key 'lables'");
        Response tabular = given().auth().oauth2(token).contentType("image/png").body(red)
                .queryParam("model", "tabular").post("/predictions");
        assertThat(tabular.statusCode()).isEqualTo(422);
    }

    @Test
    void v2ServesEveryVersionByItsPath() {
        Response meta = given().get("/v2/models/colours");
        assertThat(meta.statusCode()).as(meta.asString()).isEqualTo(200);
        assertThat(meta.jsonPath().getList("versions")).containsExactly("2", "1");
        assertThat(meta.jsonPath().getList("inputs[0].shape", Integer.class)).containsExactly(-1, 3, 2, 2);
        Response first = given().get("/v2/models/colours/versions/1");
        assertThat(first.jsonPath().getList("inputs[0].shape", Integer.class)).containsExactly(-1, 3, 4, 4);
        assertThat(given().get("/v2/models/colours/versions/1/ready").statusCode()).isEqualTo(200);
        assertThat(given().get("/v2/models/colours/versions/3/ready").statusCode()).isEqualTo(404);
        Response infer = given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(Map.of("name", "image", "shape", List.of(1, 3, 4, 4), "datatype",
                        "FP32", "data", new float[48]))))
                .post("/v2/models/colours/versions/1/infer");
        assertThat(infer.statusCode()).as(infer.asString()).isEqualTo(200);
        assertThat(infer.jsonPath().getString("model_version")).isEqualTo("1");
        Response tabular = given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(Map.of("name", "x", "shape", List.of(1, 1), "datatype", "FP32",
                        "data", List.of(3)))))
                .post("/v2/models/tabular/infer");
        assertThat(tabular.jsonPath().getList("outputs[0].data", Float.class)).containsExactly(7f);
    }

    @Test
    void ordersAreClassifiedByTheModelTheyName() {
        String token = Api.newUserToken();
        String blue = Base64.getEncoder().encodeToString(Fixtures.solidPng(5, 5, 0x0000FF));
        Response json = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("model", "colours", "version", "1", "items", List.of(Map.of("image", blue))))
                .post("/orders");
        assertThat(json.statusCode()).as(json.asString()).isEqualTo(201);
        assertThat(json.jsonPath().getList("products.label")).containsExactly("blue");
        Response multipart = given().auth().oauth2(token).multiPart("model", "colours")
                .multiPart("images", "green.png", Fixtures.solidPng(3, 3, 0x00FF00), "image/png")
                .post("/orders");
        assertThat(multipart.statusCode()).as(multipart.asString()).isEqualTo(201);
        assertThat(multipart.jsonPath().getList("products.label")).containsExactly("green");
        // In the background, the task classifies with the model the order named, not the default one.
        Response accepted = given().auth().oauth2(token).contentType(ContentType.JSON)
                .header("Prefer", "respond-async")
                .body(Map.of("model", "colours", "items", List.of(Map.of("image", blue), Map.of("image", blue))))
                .post("/orders");
        assertThat(accepted.statusCode()).as(accepted.asString()).isEqualTo(202);
        String order = accepted.jsonPath().getString("result.location");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Response done = given().auth().oauth2(token).get(order);
            assertThat(done.jsonPath().getString("status")).isEqualTo("COMPLETED");
            assertThat(done.jsonPath().getList("products.label")).containsExactly("blue", "blue");
        });
        Response tabular = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("items", List.of(Map.of("image", blue)))).post("/orders");
        assertThat(tabular.statusCode()).as("the default model takes no pictures").isEqualTo(422);
        Response unknown = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("model", "nope", "items", List.of(Map.of("image", blue)))).post("/orders");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void theIndexShowsEveryModelWithItsStateAndReason() {
        Response index = given().auth().oauth2(Api.newUserToken()).get("/models");
        assertThat(index.statusCode()).as(index.asString()).isEqualTo(200);
        assertThat(index.jsonPath().getString("defaultModel")).isEqualTo("tabular");
        List<Map<String, String>> models = index.jsonPath().getList("models");
        assertThat(models).extracting(m -> m.get("name") + "@" + m.get("version") + " " + m.get("state"))
                .containsExactly("bad name!@ UNAVAILABLE", "colours@2 READY", "colours@1 READY",
                        "colours@v3 UNAVAILABLE",
                        "corrupt@1 UNAVAILABLE", "misspelt@ UNAVAILABLE", "renamed-version@ UNAVAILABLE",
                        "tabular@1 READY", "wrong-labels@1 UNAVAILABLE");
        assertThat(models.stream().filter(m -> m.get("version").equals("v3")).findFirst().orElseThrow()
                .get("reason")).contains("colours/v3 is not a version directory");
        assertThat(reason(models, "renamed-version")).contains("has no version directory")
                .contains("renamed-version/latest is not a version directory");
        assertThat(reason(models, "corrupt")).contains("corrupt/1/model.onnx cannot be served");
        assertThat(reason(models, "bad name!")).contains("'bad name!' is not a model name");
        assertThat(reason(models, "misspelt")).contains("misspelt/config.json: unknown key 'lables'");
        assertThat(reason(models, "wrong-labels")).contains("'labels' has 2 names but the model's output")
                .contains("has 3 classes");
        Response asUser = given().auth().oauth2(Api.newUserToken()).post("/v2/repository/index");
        assertThat(asUser.statusCode()).isEqualTo(403);
        Response asAdmin = given().auth().oauth2(Api.adminToken()).post("/v2/repository/index");
        assertThat(asAdmin.statusCode()).as(asAdmin.asString()).isEqualTo(200);
        assertThat(asAdmin.jsonPath().getList("name")).contains("tabular", "corrupt");
        Response ready = given().get("/q/health/ready");
        assertThat(ready.statusCode()).as("the default model serves").isEqualTo(200);
        assertThat(ready.asString()).contains("corrupt@1");
    }

    @Test
    void eachModelVersionHasItsOwnMetrics() {
        given().auth().oauth2(Api.newUserToken()).contentType("image/png").body(Fixtures.solidPng(2, 2, 0xFF))
                .queryParam("model", "colours").queryParam("version", "1").post("/predictions").then()
                .statusCode(200);
        List<String> metrics = given().get("/q/metrics").asString().lines().toList();
        assertThat(metric(metrics, "model_loaded{", "colours", "1")).endsWith(" 1.0");
        assertThat(metric(metrics, "model_loaded{", "corrupt", "1")).endsWith(" 0.0");
        assertThat(metric(metrics, "model_inference_requests_total{", "colours", "1"))
                .contains("outcome=\"success\"");
        assertThat(metric(metrics, "model_inference_queue_seconds_count{", "colours", "1")).doesNotEndWith(" 0.0");
        assertThat(metric(metrics, "model_inference_compute_seconds_bucket{", "colours", "1")).isNotNull();
    }

    private static String metric(List<String> lines, String prefix, String model, String version) {
        return lines.stream().filter(line -> line.startsWith(prefix) && line.contains("model=\"" + model + "\"")
                && line.contains("version=\"" + version + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " line for " + model + " " + version));
    }

    private static String reason(List<Map<String, String>> models, String name) {
        return models.stream().filter(m -> m.get("name").equals(name)).findFirst().orElseThrow().get("reason");
    }
}
