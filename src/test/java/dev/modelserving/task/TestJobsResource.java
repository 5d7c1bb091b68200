package dev.modelserving.task;

import dev.modelserving.store.StoreConfig;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Test-only: submits jobs whose items wait for the test to let them through, so that tests can hold a task in any state
 * (queued, running at item k) for as long as they need.
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
        byte[] input = ByteBuffer.allocate(Integer.BYTES).putInt(items).array();
        return tasks.submit(GatedJobs.KIND, identity.getPrincipal().getName(), items,
                id -> new TaskService.Submission(input, null, TaskWrite.NONE))
                .map(task -> Response.accepted(TaskView.of(task)).location(URI.create("/tasks/" + task.id())).build());
    }

    @POST
    @Path("/{id}/advance")
    public void advance(@PathParam("id") String id, @QueryParam("items") int items) {
        gate(id).release(items);
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

    static Semaphore gate(String taskId) {
        return GATES.computeIfAbsent(taskId, id -> new Semaphore(0));
    }

    /** Test jobs: {@code items} items, each waiting for a permit of the task's gate. */
    @ApplicationScoped
    public static class GatedJobs implements TaskHandler {

        static final String KIND = "test";
        private final StoreConfig stores;

        public GatedJobs(StoreConfig stores) {
            this.stores = stores;
        }

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public TaskJob job(Task task, byte[] input) {
            return new GatedJob(task.id(), ByteBuffer.wrap(input).getInt(), gate(task.id()));
        }

        /** Records the end where a test can read it, written the way the configured store writes. */
        @Override
        public TaskWrite ended(Task task, TaskState end, String reason) {
            return SideEffectWrites.of(stores.postgres(), () -> ENDS.put(task.id(), end + ":" + reason));
        }
    }

    record GatedJob(String id, int items, Semaphore gate) implements TaskJob {

        @Override
        public TaskWrite run(TaskControl control) {
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
            return TaskWrite.NONE;
        }
    }
}
