package dev.modelserving.v2;

import dev.modelserving.model.ModelLifecycle;
import dev.modelserving.model.ServedModels;
import dev.modelserving.user.User;
import dev.modelserving.web.BlockingWork;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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
    private final ModelLifecycle lifecycle;
    private final BlockingWork blocking;

    public RepositoryResource(ServedModels served, ModelLifecycle lifecycle, BlockingWork blocking) {
        this.served = served;
        this.lifecycle = lifecycle;
        this.blocking = blocking;
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

    /** Loading reads files and opens sessions: on a worker thread, never the event loop. */
    @POST
    @Path("/models/{name}/load")
    @RolesAllowed(User.ROLE_ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "repositoryLoadModel", summary = "Load or reload a model from the repository now",
            description = "Repository extension: new versions and versions whose model.onnx or config.json changed "
                    + "are loaded and warmed up beside the serving ones, then swapped in; requests already running "
                    + "finish on the version they started with, whose session closes after its last one. A version "
                    + "that fails to load leaves the serving ones in place, and the answer says why.")
    @APIResponse(responseCode = "200", description = "The model's index entries after the load",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY,
                    implementation = ServedModels.IndexEntry.class)))
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "404", description = "No such model directory in the repository")
    public Uni<List<ServedModels.IndexEntry>> load(@PathParam("name") String name) {
        return blocking.run(() -> lifecycle.reload(name));
    }

    @POST
    @Path("/models/{name}/unload")
    @RolesAllowed(User.ROLE_ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "repositoryUnloadModel", summary = "Stop serving a model",
            description = "Repository extension: new requests for the model get 503; those already running finish, "
                    + "then its sessions close. Unloading the default model turns readiness DOWN.")
    @APIResponse(responseCode = "200", description = "The model's index entry after the unload",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY,
                    implementation = ServedModels.IndexEntry.class)))
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "404", description = "No such model loaded")
    public Uni<List<ServedModels.IndexEntry>> unload(@PathParam("name") String name) {
        return blocking.run(() -> {
            lifecycle.unload(name, "by request");
            return served.index().stream().filter(entry -> entry.name().equals(name)).toList();
        });
    }
}
