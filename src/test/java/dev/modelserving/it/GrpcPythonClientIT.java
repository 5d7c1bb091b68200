package dev.modelserving.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Api;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged service called by grpcio, the gRPC C core that Triton's Python client is built on: a gRPC stack other
 * than the grpc-java of the other tests, with messages protoc generates from the service's {@code .proto}. Needs
 * Debian's python3-grpcio, python3-protobuf and protobuf-compiler ({@code .ci/run} installs them).
 */
@QuarkusIntegrationTest
class GrpcPythonClientIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path CLIENT = Path.of("src", "test", "python", "open_inference_client.py");
    private static final Path PROTO = Path.of("src", "main", "proto", "open_inference_grpc.proto");

    private static boolean grpcioInstalled() throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import grpc, google.protobuf, shutil; "
                + "raise SystemExit(0 if shutil.which('protoc') else 1)").redirectErrorStream(true).start();
        check.getInputStream().readAllBytes();
        return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
    }

    private static List<Double> numbers(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asDouble()));
        return values;
    }

    @Test
    void grpcioCallsHealthMetadataAndInferenceAsTritonsClientWould() throws Exception {
        assumeTrue(grpcioInstalled(), "no grpcio or protoc: apt-get install python3-grpcio python3-protobuf "
                + "protobuf-compiler");
        String token = Api.token(Api.registerUser("grpcio"), Api.PASSWORD);
        Process client = new ProcessBuilder(PYTHON.toString(), CLIENT.toString(), PROTO.toAbsolutePath().toString(),
                "127.0.0.1:" + RestAssured.port, token).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).as(out).isZero();
        JsonNode seen = new ObjectMapper().readTree(out);

        assertThat(seen.get("live").asBoolean()).isTrue();
        assertThat(seen.get("ready").asBoolean()).isTrue();
        assertThat(seen.get("input").toString()).isEqualTo("[\"input\",\"FP32\",[-1,784]]");
        assertThat(seen.get("output").toString()).isEqualTo("[\"output\",\"FP32\",[1,10]]");
        List<Double> raw = numbers(seen.get("raw_output"));
        assertThat(raw).hasSize(10).allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
        assertThat(raw.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-4));
        // The same picture typed, raw and gzip-compressed: the same probabilities, to the bit.
        assertThat(numbers(seen.get("typed_output"))).isEqualTo(raw);
        assertThat(numbers(seen.get("gzip_output"))).isEqualTo(raw);

        assertThat(seen.get("no_token").get(0).asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(seen.get("no_token").get(1).asText()).contains("authorization: Bearer <token>");
        assertThat(seen.get("wrong_shape").get(0).asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(seen.get("wrong_shape").get(1).asText()).contains("Input 'input'").contains("783");
    }
}
