package dev.modelserving.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** No request can add a time series of its own choosing: metric tags never carry a client's raw path. */
@QuarkusTest
class MetricTagsTest {

    @Test
    void pathsNoOperationMatchedAreNotTagsOfTheirOwn() {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = UUID.randomUUID().toString();
            sent.add(id);
            given().delete("/users/" + id).then().statusCode(405);
            given().put("/orders/" + id).then().statusCode(405);
            given().get("/no/such/" + id).then().statusCode(404);
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("http_server_requests_seconds_count");
        for (String id : sent) {
            assertThat(metrics).doesNotContain(id);
        }
    }
}
