package dev.modelserving.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manifests a deployer applies, read as Kubernetes would: the generated one (Deployment, PodDisruptionBudget) and
 * the autoscaler example, whose custom metrics must be ones this application exports.
 */
@QuarkusIntegrationTest
class KubernetesManifestIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        YAML.readerFor(JsonNode.class).readValues(file.toFile()).forEachRemaining(d -> documents.add((JsonNode) d));
        return documents;
    }

    private static JsonNode kind(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in the manifest"));
    }

    @Test
    void theDeploymentIsSizedProbedAndCoveredByADisruptionBudget() throws Exception {
        List<JsonNode> manifest = documents(Path.of("target", "kubernetes", "kubernetes.yml"));
        JsonNode deployment = kind(manifest, "Deployment");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");

        assertThat(container.at("/resources/requests/memory").asText()).isEqualTo("384Mi");
        assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("512Mi");
        assertThat(container.at("/resources/limits/cpu").isMissingNode()).as("no CPU limit").isTrue();
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/startupProbe/periodSeconds").asInt()).isEqualTo(1);
        assertThat(container.at("/startupProbe/failureThreshold").asInt()).isEqualTo(30);
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt()).isEqualTo(45);

        JsonNode budget = kind(manifest, "PodDisruptionBudget");
        assertThat(budget.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        budget.at("/spec/selector/matchLabels").fields().forEachRemaining(label -> assertThat(
                podLabels.path(label.getKey()).asText()).as("pod label " + label.getKey())
                .isEqualTo(label.getValue().asText()));
    }

    @Test
    void theAutoscalerScalesThisDeploymentOnMetricsThisApplicationExports() throws Exception {
        JsonNode hpa = kind(documents(Path.of("deploy", "kubernetes", "hpa.yml")), "HorizontalPodAutoscaler");
        JsonNode deployment = kind(documents(Path.of("target", "kubernetes", "kubernetes.yml")), "Deployment");
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(deployment.at("/metadata/name").asText());

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> custom = new ArrayList<>();
        hpa.at("/spec/metrics").forEach(metric -> {
            if ("Pods".equals(metric.path("type").asText())) {
                custom.add(metric.at("/pods/metric/name").asText());
            }
        });
        assertThat(custom).contains("model_batch_waiting");
        JsonNode rules = YAML.readTree(Path.of("deploy", "kubernetes", "prometheus-adapter-rules.yml").toFile());
        for (String name : custom) {
            assertThat(metrics).as("exported: " + name).containsPattern("(?m)^" + name + "(\\{| )");
            assertThat(rules.at("/rules/custom").findValuesAsText("as")).as("adapter rule for " + name)
                    .contains(name);
        }
    }
}
