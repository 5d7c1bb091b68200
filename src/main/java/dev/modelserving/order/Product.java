package dev.modelserving.order;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One classified picture of an order: a billed product. */
@RegisterForReflection
@Schema(name = "Product")
public record Product(String id, @Schema(example = "Sneaker") String label, @Schema(example = "0.97") float confidence,
        @Schema(example = "100") long price) {
}
