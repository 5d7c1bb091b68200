package dev.modelserving.task;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Test-only: submits jobs whose items wait for the test to let them through, so that tests can hold a task in any
 * state (queued, running at item k) for as long as they need.
 */
@Path("/test-jobs")
@Authenticated
public class TestJobsResource {

    /** Per task: permits to process items, the worker thread's name, and how the job ended. */
    static final Map<String, Semaphore> GATES = new ConcurrentHashMap<>();
    static final Map<String, String> THREADS = new ConcurrentHashMap<>();
    static final Map<String, String> ENDS = new ConcurrentHashMap<>();

    private final TaskService tasks;
    private final SecurityIdentity identity;

    public TestJobsResource(TaskService tasks, SecurityIdentity identity) {
        this.tasks = tasks;
        this.identity = identity;
    }

    @POST
    public Uni<Response> submit(@QueryParam("items") int items) {
        return tasks.submit("test", identity.getPrincipal().getName(), items, id -> {
            Semaphore gate = new Semaphore(0);
            GATES.put(id, gate);
            return Uni.createFrom().item(new TaskService.PreparedJob(new GatedJob(id, items, gate), null));
        }).map(task -> Response.accepted(task).location(URI.create("/tasks/" + task.id())).build());
    }

    @POST
    @Path("/{id}/advance")
    public void advance(@PathParam("id") String id, @QueryParam("items") int items) {
        GATES.get(id).release(items);
    }

    /** Lets every held job run to its end, so that one failed test does not leave the workers blocked. */
    @POST
    @Path("/release-all")
    public void releaseAll() {
        GATES.values().forEach(gate -> gate.release(1_000_000));
    }

    @GET
    @Path("/{id}/thread")
    public String thread(@PathParam("id") String id) {
        return THREADS.getOrDefault(id, "");
    }

    @GET
    @Path("/{id}/end")
    public String end(@PathParam("id") String id) {
        return ENDS.getOrDefault(id, "");
    }

    record GatedJob(String id, int items, Semaphore gate) implements TaskJob {

        @Override
        public Uni<Void> run(TaskControl control) {
            return Uni.createFrom().item(() -> {
                THREADS.put(id, Thread.currentThread().getName());
                for (int i = 0; i < items; i++) {
                    control.stopIfCancelled();
                    try {
                        while (!gate.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                            control.stopIfCancelled();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    control.progressed(i + 1);
                }
                return null;
            }).replaceWithVoid();
        }

        @Override
        public Uni<Void> ended(TaskState end, String reason) {
            ENDS.put(id, end + ":" + reason);
            return Uni.createFrom().voidItem();
        }
    }
}
