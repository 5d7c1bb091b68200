package dev.modelserving.inference;

import dev.modelserving.user.CurrentCaller;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

// Methods readable in a native image: AllowedMethods reads their JAX-RS annotations for the Allow header.
@RegisterForReflection(methods = true, fields = false)
@Path("/predictions")
@Authenticated
@Tag(name = "Predictions", description = "Classify one picture")
public class PredictionResource {

    private final PredictionService predictions;
    private final PredictionsConfig config;
    private final CurrentCaller caller;

    public PredictionResource(PredictionService predictions, PredictionsConfig config, CurrentCaller caller) {
        this.predictions = predictions;
        this.config = config;
        this.caller = caller;
    }

    @POST
    @Consumes({"image/png", "image/jpeg"})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "classifyPicture", summary = "Classify a PNG or JPEG picture",
            description = "Any size; it is converted to the default model's input as its config.json says (the "
                    + "bundled model: 28x28 grayscale, the way its training pictures look).")
    @RequestBody(content = {
            @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "image/jpeg", schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    @APIResponse(responseCode = "200", description = "The label, its confidence and the top three",
            content = @Content(schema = @Schema(implementation = Prediction.class)))
    @APIResponse(responseCode = "413", description = "Image over app.predictions.max-image-bytes")
    @APIResponse(responseCode = "415", description = "Not image/png or image/jpeg")
    @APIResponse(responseCode = "404", description = "No such model or version")
    @APIResponse(responseCode = "422", description = "Not a decodable PNG/JPEG picture; a model without picture "
            + "settings or labels")
    @APIResponse(responseCode = "503", description = "The model is not loaded yet, or the server is overloaded "
            + "(app.model.batching.queue-capacity); Retry-After says when to retry")
    public Uni<Prediction> predict(
            @Parameter(
                    description = "The model to classify with; default: app.models.default") @QueryParam("model") String model,
            @Parameter(
                    description = "Its version; default: its newest ready version") @QueryParam("version") String version,
            byte[] image) {
        long limit = config.maxImageBytes().asLongValue();
        if (image.length > limit) {
            throw new PayloadTooLargeException("The image is " + image.length + " bytes; at most " + limit
                    + " are accepted (app.predictions.max-image-bytes)");
        }
        return predictions.classifyImage(image, model, version, PredictionContext.ofRequest(caller.get().name()));
    }
}
