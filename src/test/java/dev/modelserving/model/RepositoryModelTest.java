package dev.modelserving.model;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.OnnxModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A team's own colour classifier served from a model repository: a {@code [N, 3, 4, 4]} model whose scores are the
 * channel means (logits, so its config asks for softmax), with ImageNet-style mean and std and centre cropping. A solid
 * red picture is (1 - 0.5) / 0.5 = 1 on the red channel and -1 on the others, so its scores are [1, -1, -1] and its
 * confidence e / (e + 2/e).
 */
@QuarkusTest
@TestProfile(RepositoryModelTest.ColourRepository.class)
class RepositoryModelTest {

    static final Path REPOSITORY = Path.of("target", "test-repositories", "colours").toAbsolutePath();

    public static class ColourRepository implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            OnnxModels.writeModel(REPOSITORY, "colours", 3, OnnxModels.channelMeans(true, 4, 4), """
                    {"labels": ["red", "green", "blue"],
                     "image": {"width": 4, "height": 4, "channels": 3, "layout": "NCHW", "resize": "center-crop",
                               "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
                     "output": {"softmax": true}}
                    """);
            // A second model, without config.json: the default must be named when there are several.
            OnnxModels.writeModel(REPOSITORY, "tabular", 1,
                    OnnxModels.linear(new float[][]{{1, 0}, {0, 1}}, new float[]{0, 0}), null);
            return Map.of("app.models.repository", REPOSITORY.toString(), "app.models.default", "colours");
        }
    }

    @Test
    void aSolidRedPictureIsRedWithTheSoftmaxOfItsScores() {
        Response response = given().auth().oauth2(Api.newUserToken()).contentType("image/png")
                .body(Fixtures.solidPng(50, 30, 0xFF0000)).post("/predictions");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("label")).isEqualTo("red");
        double e = Math.E;
        assertThat(response.jsonPath().getFloat("confidence")).isCloseTo((float) (e / (e + 2 / e)), within(1e-5f));
        assertThat(response.jsonPath().getString("model.name")).isEqualTo("colours");
        assertThat(response.jsonPath().getString("model.version")).isEqualTo("3");
    }

    @Test
    void theModelsSignatureAndLabelsComeFromItsFiles() {
        Response meta = given().get("/v2/models/colours");
        assertThat(meta.statusCode()).as(meta.asString()).isEqualTo(200);
        assertThat(meta.jsonPath().getList("versions")).containsExactly("3");
        assertThat(meta.jsonPath().getList("inputs[0].shape", Integer.class)).containsExactly(-1, 3, 4, 4);
        assertThat(meta.jsonPath().getList("outputs[0].shape", Integer.class)).containsExactly(-1, 3);
        Response model = given().get("/model");
        assertThat(model.jsonPath().getList("labels")).containsExactly("red", "green", "blue");
        assertThat(model.jsonPath().getString("source")).isEqualTo(
                REPOSITORY.resolve("colours/3/model.onnx").toString());
    }

    @Test
    void tensorsGetTheModelsOwnOutputWithoutTheSoftmax() {
        float[] data = new float[48];
        for (int i = 16; i < 32; i++) {
            data[i] = 0.5f;
        }
        Response response = given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(Map.of("name", "image", "shape", List.of(1, 3, 4, 4), "datatype",
                        "FP32", "data", data))))
                .post("/v2/models/colours/infer");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getList("outputs[0].data", Float.class)).containsExactly(0f, 0.5f, 0f);
        assertThat(response.jsonPath().getString("model_version")).isEqualTo("3");
    }

    @Test
    void aTensorOfTheWrongShapeIsNamed() {
        Response response = given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(Map.of("name", "image", "shape", List.of(1, 48), "datatype", "FP32",
                        "data", new float[48]))))
                .post("/v2/models/colours/infer");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("detail")).contains("Input 'image' has shape [1, 48]")
                .contains("[N, 3, 4, 4]");
    }

    @Test
    void anOrderOfPicturesIsClassifiedWithTheSameSettings() {
        String blue = Base64.getEncoder().encodeToString(Fixtures.solidPng(8, 8, 0x0000FF));
        String green = Base64.getEncoder().encodeToString(Fixtures.solidPng(3, 9, 0x00FF00));
        Response response = given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON)
                .body(Map.of("items", List.of(Map.of("image", blue), Map.of("image", green)))).post("/orders");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(201);
        assertThat(response.jsonPath().getList("products.label")).containsExactly("blue", "green");
    }

    @Test
    void pixelValuesOfAnOrderMustFillThePictureButNeedNotBeInZeroToOne() {
        float[] normalised = new float[48];
        java.util.Arrays.fill(normalised, 32, 48, 1f);
        java.util.Arrays.fill(normalised, 0, 32, -1f);
        Response ok = given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON)
                .body(Map.of("items", List.of(Map.of("pixels", normalised)))).post("/orders");
        assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(201);
        assertThat(ok.jsonPath().getList("products.label")).containsExactly("blue");
        Response wrong = given().auth().oauth2(Api.newUserToken()).contentType(ContentType.JSON)
                .body(Map.of("items", List.of(Map.of("pixels", new float[784])))).post("/orders");
        assertThat(wrong.statusCode()).isEqualTo(422);
        assertThat(wrong.jsonPath().getString("detail")).contains("784 pixels; 48 (4x4x3) are needed");
    }
}
