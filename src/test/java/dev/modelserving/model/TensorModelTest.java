package dev.modelserving.model;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import dev.modelserving.support.OnnxModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tabular model without {@code config.json}, the repository's only model and so its default: tensors in, its own
 * output ({@code y = x W + b}) out, and a clear 422 from the endpoints that need pictures and labels.
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
            return Map.of("app.models.repository", REPOSITORY.toString());
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
                .body(RepositoryModelTest.png(4, 4, 0xFF0000)).post("/predictions");
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
}
