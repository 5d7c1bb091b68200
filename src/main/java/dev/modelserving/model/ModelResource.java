package dev.modelserving.model;

import dev.modelserving.web.OpenApiConventions;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

// Methods readable in a native image: AllowedMethods reads their JAX-RS annotations for the Allow header.
@RegisterForReflection(methods = true, fields = false)
@Path("/model")
@Tag(name = "Model", description = "The served models")
public class ModelResource {

    private final ServedModels served;

    public ModelResource(ServedModels served) {
        this.served = served;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getServedModel",
            summary = "Name, version, checksum, signature, labels and load time of the served model",
            description = "What is being served, for dashboards and clients that check which model answered: its "
                    + "checksum changes with every new file, its signature says what inference expects.",
            extensions = @Extension(name = OpenApiConventions.NEEDS_MODEL, value = "true"))
    @APIResponse(responseCode = "200", description = "The model",
            content = @Content(schema = @Schema(implementation = ModelMetadata.class)))
    public ModelMetadata model() {
        return served.require().metadata();
    }
}
