package dev.modelserving.model;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Name, element type and shape of a model input or output; -1 marks the batch dimension. */
@RegisterForReflection
@Schema(name = "TensorSpec")
public record TensorSpec(
        @Schema(example = "input") String name,
        @Schema(example = "FP32") String datatype,
        @Schema(example = "[-1, 784]") List<Long> shape) {
}
