package dev.modelserving.task;

import dev.modelserving.user.CurrentCaller;
import dev.modelserving.web.PageParams;
import dev.modelserving.web.PagedResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

// Methods readable in a native image: AllowedMethods reads their JAX-RS annotations for the Allow header.
@RegisterForReflection(methods = true, fields = false)
@Path("/tasks")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks", description = "Background jobs: poll, long-poll, cancel")
public class TaskResource {

    /** How soon a client should poll again while a task has not ended. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final TaskService tasks;
    private final CurrentCaller caller;

    public TaskResource(TaskService tasks, CurrentCaller caller) {
        this.tasks = tasks;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getTask",
            summary = "A task (its owner or an admin); ?wait=N long-polls up to N seconds for its end",
            description = "Its owner or an admin may see a task; anyone else gets 404. While the task has not ended "
                    + "the answer carries Retry-After; with ?wait=N the answer comes as soon as the task ends, or "
                    + "after N seconds.")
    @APIResponse(responseCode = "200", description = "The task; Retry-After while it has not ended",
            headers = @Header(name = "Retry-After", description = "Seconds until the next poll, while not ended"),
            content = @Content(schema = @Schema(implementation = TaskView.class)))
    @APIResponse(responseCode = "400", description = "wait out of range")
    @APIResponse(responseCode = "404", description = "No such task, not yours, or evicted after its retention")
    public Uni<Response> get(@PathParam("id") String id,
            @QueryParam("wait") @DefaultValue("0") @Parameter(description = "Seconds to wait for the task to end, "
                    + "0 to app.tasks.max-wait (30 by default)") int waitSeconds) {
        return tasks.await(id, caller.get(), waitSeconds).map(TaskResource::withRetryAfter);
    }

    @GET
    @Operation(operationId = "listTasks",
            summary = "The caller's tasks (an admin's: everyone's), newest first, optionally ?state=",
            description = "An admin sees every user's tasks. Pages with ?page= and ?size=; X-Total-Count is the "
                    + "number of tasks in all pages. Ended tasks are kept for app.tasks.retention, then evicted.")
    @APIResponse(responseCode = "200", description = "One page of tasks",
            headers = @Header(name = PagedResponse.TOTAL_COUNT_HEADER),
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = TaskView.class)))
    @APIResponse(responseCode = "400", description = "Unknown state, or page or size out of range")
    public Uni<Response> list(@QueryParam("state") TaskState state, @Valid @BeanParam PageParams paging) {
        return tasks.list(caller.get(), Optional.ofNullable(state), paging.page(), paging.size())
                .map(page -> PagedResponse.of(page.map(TaskView::of)));
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "cancelTask",
            summary = "Cancel a queued or running task (a running one stops between items)",
            description = "A queued task ends CANCELLED at once; a running one is asked to stop and ends CANCELLED at "
                    + "its next item. A task that has ended cannot be cancelled (409).")
    @APIResponse(responseCode = "202", description = "Cancelled, or asked to stop; the task",
            content = @Content(schema = @Schema(implementation = TaskView.class)))
    @APIResponse(responseCode = "404", description = "No such task, or not yours")
    @APIResponse(responseCode = "409", description = "The task has already ended")
    public Uni<Response> cancel(@PathParam("id") String id) {
        return tasks.cancel(id, caller.get()).map(task -> Response.accepted(TaskView.of(task)).build());
    }

    private static Response withRetryAfter(Task task) {
        Response.ResponseBuilder ok = Response.ok(TaskView.of(task));
        if (!task.state().isTerminal()) {
            ok.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        return ok.build();
    }
}
