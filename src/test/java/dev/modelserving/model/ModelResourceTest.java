package dev.modelserving.model;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ModelResourceTest {

    @Test
    void describesTheLoadedModel() throws IOException {
        Response response = given().get("/model");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.jsonPath().getString("name")).isEqualTo("fashion-mnist");
        assertThat(response.jsonPath().getString("version")).isEqualTo("1");
        String shipped;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("models/fashion-mnist/1/model.sha256")) {
            shipped = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\\s+")[0];
        }
        assertThat(response.jsonPath().getString("sha256")).isEqualTo(shipped);
        assertThat(response.jsonPath().getList("labels")).hasSize(10).contains("Sneaker", "Ankle boot", "Trouser");
        assertThat(response.jsonPath().getString("signature.inputs[0].name")).isEqualTo("input");
        assertThat(response.jsonPath().getList("signature.outputs[0].shape", Integer.class)).containsExactly(-1, 10);
        assertThat(response.jsonPath().getString("loadedAt")).isNotBlank();
        assertThat(response.jsonPath().getLong("loadMillis")).isPositive();
    }

    @Test
    void readinessReportsTheModel() {
        Response ready = given().get("/q/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.jsonPath().getString("checks.find { it.name == 'model' }.status")).isEqualTo("UP");
        assertThat(ready.jsonPath().getString("checks.find { it.name == 'model' }.data.name"))
                .isEqualTo("fashion-mnist");
    }
}
