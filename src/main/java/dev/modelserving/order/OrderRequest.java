package dev.modelserving.order;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * JSON body of {@code POST /orders}: each item is a base64 PNG/JPEG or the model's input values for one picture (784
 * values in 0..1 for the bundled model).
 */
@RegisterForReflection
@Schema(name = "OrderRequest")
public record OrderRequest(
        List<Item> items,
        @Schema(description = "The model to classify with; default: app.models.default",
                example = "fashion-mnist") String model,
        @Schema(description = "Its version; default: its newest ready version", example = "1") String version) {

    @RegisterForReflection
    @Schema(name = "OrderItem", description = "Exactly one of image or pixels")
    public record Item(
            @Schema(description = "Base64 of a PNG or JPEG picture") String image,
            @Schema(description = "One picture as the model takes it, e.g. 784 values in 0..1, row-major, light "
                    + "object on dark for the bundled model; in 0..1 whenever the model's pictures are") float[] pixels) {
    }
}
