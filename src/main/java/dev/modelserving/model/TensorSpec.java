package dev.modelserving.model;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Name, element type and shape of a model input or output; -1 marks a dynamic dimension (the batch's, first, in a
 * batchable model).
 */
@RegisterForReflection
@Schema(name = "TensorSpec")
public record TensorSpec(
        @Schema(example = "input") String name,
        @Schema(example = "FP32") String datatype,
        @Schema(example = "[-1, 784]") List<Long> shape) {
}
