package dev.modelserving.v2;

import dev.modelserving.model.ServedModels;
import dev.modelserving.user.User;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The Open Inference Protocol's model repository extension, as Triton and MLServer serve it: admins only. */
// Methods readable in a native image: AllowedMethods reads their JAX-RS annotations for the Allow header.
@RegisterForReflection(methods = true, fields = false)
@Path("/v2/repository")
@Tag(name = "Open Inference Protocol (V2)", description = "KServe V2 REST: metadata, health, inference")
public class RepositoryResource {

    private final ServedModels served;

    public RepositoryResource(ServedModels served) {
        this.served = served;
    }

    @POST
    @Path("/index")
    @RolesAllowed(User.ROLE_ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "repositoryIndex", summary = "Every model and version of the repository with its state",
            description = "Repository extension: name, version, state (READY, LOADING, UNAVAILABLE) and the reason "
                    + "a version is not ready. A request body, if any, is ignored.")
    @APIResponse(responseCode = "200", description = "The index", content = @Content(schema = @Schema(
            type = SchemaType.ARRAY, implementation = ServedModels.IndexEntry.class)))
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "Not an admin")
    public List<ServedModels.IndexEntry> index() {
        return served.index();
    }
}
