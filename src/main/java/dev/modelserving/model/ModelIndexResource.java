package dev.modelserving.model;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

// Methods readable in a native image: AllowedMethods reads their JAX-RS annotations for the Allow header.
@RegisterForReflection(methods = true, fields = false)
@Path("/models")
@Tag(name = "Model", description = "The served models")
public class ModelIndexResource {

    /** The default model's name and every model and version with its state. */
    @RegisterForReflection
    @Schema(name = "ModelIndex")
    public record Index(@Schema(example = "fashion-mnist") String defaultModel, List<ServedModels.IndexEntry> models) {
    }

    private final ServedModels served;

    public ModelIndexResource(ServedModels served) {
        this.served = served;
    }

    @GET
    @Authenticated
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listModels", summary = "Every model of the repository, each version with its state",
            description = "READY versions serve; UNAVAILABLE ones cannot, and the reason says why (naming the file "
                    + "and the key at fault).")
    @APIResponse(responseCode = "200", description = "The default model's name and the index",
            content = @Content(schema = @Schema(implementation = Index.class)))
    @APIResponse(responseCode = "401", description = "No valid token")
    public Index models() {
        return new Index(served.defaultName(), served.index());
    }
}
