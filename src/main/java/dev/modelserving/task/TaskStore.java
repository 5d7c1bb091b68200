package dev.modelserving.task;

import dev.modelserving.problem.Problem;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where tasks are kept: data only, no threads or futures, so that a store shared by several replicas can implement
 * the same contract. Every state change is conditional on the current state and says whether it happened, so that
 * concurrent writers (a worker finishing, a user cancelling, the janitor evicting) cannot overwrite each other.
 * Implementations complete their {@code Uni}s on the calling thread or on a thread that may block: the task worker
 * continues on it.
 */
public interface TaskStore {

    Uni<Void> insert(Task task);

    Uni<Optional<Task>> find(String id);

    /** Newest first; {@code owner} empty means every owner's. */
    Uni<List<Task>> list(Optional<String> owner, Optional<TaskState> state);

    /** QUEUED -> RUNNING; empty when the task is no longer queued (cancelled meanwhile). */
    Uni<Optional<Task>> start(String id, Instant at);

    Uni<Void> progress(String id, int completed);

    /** Ends a task that has not ended yet; empty when it already had (the first end wins). */
    Uni<Optional<Task>> finish(String id, TaskState end, Problem error, String reason, Instant at);

    /**
     * A queued task is CANCELLED at once; a running one is flagged for its worker to stop. Returns the task after
     * the change (unchanged when it had already ended), or empty when there is no such task.
     */
    Uni<Optional<Task>> requestCancel(String id, Problem error, String reason, Instant at);

    /** Deletes tasks that ended before the cutoff; never one that has not ended. Returns how many. */
    Uni<Integer> evictFinishedBefore(Instant cutoff);
}
