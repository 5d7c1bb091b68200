package dev.modelserving.v2;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.modelserving.model.Tensor;
import dev.modelserving.model.TensorSpec;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON messages of the Open Inference Protocol (KServe V2) REST API, as far as this server speaks it. */
public final class V2Protocol {

    private V2Protocol() {
    }

    @RegisterForReflection
    @Schema(name = "V2ServerMetadata")
    public record ServerMetadata(String name, String version, List<String> extensions) {
    }

    @RegisterForReflection
    @Schema(name = "V2ModelMetadata")
    public record ModelMetadata(String name, List<String> versions, String platform, List<TensorSpec> inputs,
            List<TensorSpec> outputs) {
    }

    @RegisterForReflection
    @Schema(name = "V2Live")
    public record Live(boolean live) {
    }

    @RegisterForReflection
    @Schema(name = "V2Ready")
    public record Ready(boolean ready) {
    }

    @RegisterForReflection
    @Schema(name = "V2ModelReady")
    public record ModelReady(String name, boolean ready) {
    }

    /** {@code POST /v2/models/{name}/infer} body. */
    @RegisterForReflection
    @Schema(name = "V2InferenceRequest")
    public record InferenceRequest(
            String id,
            List<InputTensor> inputs,
            List<RequestedOutput> outputs,
            Map<String, Object> parameters) {
    }

    /**
     * @param data the elements, flat in row-major order or nested by dimension, parsed as {@code datatype}
     */
    @RegisterForReflection
    @JsonDeserialize(using = TensorJson.InputDeserializer.class)
    @Schema(name = "V2InputTensor")
    public record InputTensor(
            @Schema(example = "input") String name,
            @Schema(example = "[1, 784]") List<Long> shape,
            @Schema(example = "FP32",
                    description = "FP32, FP64, INT64, INT32, INT16, INT8, UINT8, BOOL, or BYTES for pictures") String datatype,
            TensorData data,
            Map<String, Object> parameters) {
    }

    @RegisterForReflection
    @Schema(name = "V2RequestedOutput")
    public record RequestedOutput(String name, Map<String, Object> parameters) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "V2InferenceResponse")
    public record InferenceResponse(
            @JsonProperty("model_name") String modelName,
            @JsonProperty("model_version") String modelVersion,
            String id,
            List<OutputTensor> outputs) {
    }

    /**
     * @param data the elements, flat in row-major order: a {@link Tensor}, or the strings of a BYTES output (a
     * classification); absent when they follow the JSON as binary data
     * @param parameters {@code binary_data_size} when the elements follow the JSON as binary data
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "V2OutputTensor")
    public record OutputTensor(String name, List<Long> shape, String datatype,
            @JsonSerialize(using = TensorJson.DataSerializer.class) @Schema(type = SchemaType.ARRAY,
                    implementation = Object.class, description = "Row-major elements: numbers, or true/false for "
                            + "BOOL, strings for BYTES") Object data,
            Map<String, Object> parameters) {
    }
}
