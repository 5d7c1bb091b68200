package dev.modelserving.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document is one that tools can read: it parses and validates, every operation has a unique
 * operationId and says how it is secured, every header and parameter has a schema, and no schema refers to itself.
 */
@QuarkusTest
class OpenApiDocumentTest {

    private OpenAPI api;

    @BeforeEach
    void read() {
        String json = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().asString();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(json, null, options);
        assertThat(result.getMessages()).as("validation messages").isEmpty();
        api = result.getOpenAPI();
        assertThat(api).isNotNull();
    }

    private List<Map.Entry<String, Operation>> operations() {
        List<Map.Entry<String, Operation>> all = new ArrayList<>();
        // The test suite's own resources (/test-...) are not part of the product.
        api.getPaths().entrySet().stream().filter(path -> !path.getKey().startsWith("/test-"))
                .forEach(path -> path.getValue().readOperationsMap().forEach(
                        (method, operation) -> all.add(Map.entry(method + " " + path.getKey(), operation))));
        return all;
    }

    @Test
    void everyOperationHasAUniqueOperationId() {
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, Operation> operation : operations()) {
            String id = operation.getValue().getOperationId();
            assertThat(id).as(operation.getKey()).isNotBlank();
            assertThat(seen.add(id)).as("duplicate operationId " + id).isTrue();
        }
        assertThat(seen).contains("registerUser", "issueToken", "classifyPicture", "placeOrder", "getTask",
                "inferTensors");
    }

    @Test
    void everyOperationSaysHowItIsSecured() {
        for (Map.Entry<String, Operation> entry : operations()) {
            Operation operation = entry.getValue();
            assertThat(operation.getSecurity()).as(entry.getKey()).isNotNull();
            if (operation.getSecurity().isEmpty()) {
                assertThat(operation.getResponses()).as(entry.getKey()).doesNotContainKey("403");
            } else {
                assertThat(operation.getResponses()).as(entry.getKey()).containsKey("401");
            }
        }
        assertThat(operation("/users", PathItem.HttpMethod.POST).getSecurity()).isEmpty();
        assertThat(operation("/users", PathItem.HttpMethod.GET).getResponses()).containsKey("403");
        assertThat(operation("/users/me", PathItem.HttpMethod.GET).getResponses()).doesNotContainKey("403");
    }

    @Test
    void operationsThatNeedTheModelAnswer503() {
        assertThat(operation("/model", PathItem.HttpMethod.GET).getResponses()).containsKey("503");
        assertThat(operation("/v2/models/{name}", PathItem.HttpMethod.GET).getResponses()).containsKey("503");
        assertThat(operation("/users/me", PathItem.HttpMethod.GET).getResponses()).doesNotContainKey("503");
        assertThat(operation("/v2/models/{name}", PathItem.HttpMethod.GET).getExtensions())
                .as("the marker is not left in the document").isNullOrEmpty();
    }

    @Test
    void everyHeaderAndParameterHasASchema() {
        int headers = 0;
        for (Map.Entry<String, Operation> entry : operations()) {
            for (var response : entry.getValue().getResponses().entrySet()) {
                Map<String, Header> declared = response.getValue().getHeaders();
                if (declared != null) {
                    for (var header : declared.entrySet()) {
                        assertThat(header.getValue().getSchema())
                                .as(entry.getKey() + " " + response.getKey() + " " + header.getKey()).isNotNull();
                        headers++;
                    }
                }
            }
            if (entry.getValue().getParameters() != null) {
                entry.getValue().getParameters().forEach(parameter -> assertThat(parameter.getSchema())
                        .as(entry.getKey() + " " + parameter.getName()).isNotNull());
            }
        }
        assertThat(headers).as("Location, Retry-After and X-Total-Count are documented").isGreaterThanOrEqualTo(5);
    }

    @Test
    void noSchemaIsOnlyAReferenceToItself() {
        api.getComponents().getSchemas().forEach((name, schema) -> assertThat(schema.get$ref())
                .as(name).isNotEqualTo("#/components/schemas/" + name));
        Schema<?> tensorData = api.getComponents().getSchemas().get("TensorData");
        assertThat(tensorData.getTypes()).contains("array");
    }

    private Operation operation(String path, PathItem.HttpMethod method) {
        return api.getPaths().get(path).readOperationsMap().get(method);
    }
}
