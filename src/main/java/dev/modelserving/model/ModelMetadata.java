package dev.modelserving.model;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What is known about the served model once it is loaded ({@code GET /model}). */
@RegisterForReflection
@Schema(name = "Model")
public record ModelMetadata(
        @Schema(example = "fashion-mnist") String name,
        @Schema(example = "1") String version,
        String sha256,
        @Schema(description = "Where the model file was read from") String source,
        @Schema(example = "onnxruntime_onnx") String platform,
        Signature signature,
        List<String> labels,
        Instant loadedAt,
        @Schema(description = "Time from locating the file to the end of the warm-up, in ms") long loadMillis) {

    public static final String PLATFORM = "onnxruntime_onnx";

    /** The model's inputs and outputs, as its file declares them, in its order. */
    @RegisterForReflection
    @Schema(name = "Signature")
    public record Signature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    }
}
