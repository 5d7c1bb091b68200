package dev.modelserving.task;

import dev.modelserving.problem.Problem;
import dev.modelserving.store.Page;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where tasks are kept, as a queue that workers on any replica claim from. Data only, no threads: the task service
 * drives it. Every state change is conditional on the current state and says whether it happened; the changes a worker
 * makes are fenced by its {@link Lease}, so that a worker that lost its task (stalled past its lease, or released at
 * shutdown) can change nothing. Times (leases, run_at, timestamps) come from the store's own clock — the database's for
 * a shared store — never from the caller.
 */
public interface TaskStore {

    /** Whether tasks outlive this process (another replica takes them over), or die with it. */
    boolean durable();

    /** Stores a QUEUED task with its input and {@code alongside} (the order it fills), all or nothing. */
    Uni<Void> enqueue(Task task, byte[] input, TaskWrite alongside);

    Uni<Optional<Task>> find(String id);

    /** One page of the tasks, newest first; {@code owner} empty means every owner's. */
    Uni<Page<Task>> list(Optional<String> owner, Optional<TaskState> state, int page, int size);

    /** How many tasks are QUEUED and RUNNING now, for admission and the queue gauge. */
    Uni<Counts> counts();

    /**
     * Takes up to {@code max} QUEUED tasks that are due, oldest submission first, for {@code worker}: each becomes
     * RUNNING with one more attempt and a lease of {@code lease}. Tasks another worker is claiming at the same moment
     * are skipped.
     */
    Uni<List<Claim>> claim(String worker, int max, Duration lease);

    /**
     * Extends the lease while the worker still holds the task. Empty when it does not any more (rescued by another
     * replica, or ended); otherwise whether a cancel was requested meanwhile.
     */
    Uni<Optional<Boolean>> heartbeat(Lease lease, Duration extension);

    /** Records progress while the lease holds. */
    Uni<Void> progress(Lease lease, int completed);

    /**
     * Ends a running task while the lease holds, with the ending's write, all or nothing; empty when not held. When a
     * cancel was requested meanwhile, {@code ifCancelRequested} applies instead: a cancel that was accepted (202) wins
     * over a job that reached its end at the same moment.
     */
    Uni<Optional<Task>> finish(Lease lease, Ending ending, Ending ifCancelRequested);

    /** {@link #finish(Lease, Ending, Ending)} of an end that a cancel request does not change. */
    default Uni<Optional<Task>> finish(Lease lease, Ending ending) {
        return finish(lease, ending, ending);
    }

    /**
     * A QUEUED task is CANCELLED at once, with the write {@code endings} gives for it; a RUNNING one is flagged for its
     * worker. Returns the task after the change (unchanged when it had already ended), empty when there is none.
     */
    Uni<Optional<Task>> requestCancel(String id, Endings endings);

    /**
     * Rescues RUNNING tasks whose lease expired: back to QUEUED after {@code backoff} (doubled per attempt made), or
     * CANCELLED when a cancel was requested, or FAILED when no attempt is left — with the write {@code endings} gives
     * for an end. Returns the tasks it moved, after the move.
     */
    Uni<List<Task>> rescueExpired(Duration backoff, Endings endings);

    /**
     * Gives this worker's RUNNING tasks back to the queue at once (graceful shutdown of a replica): the attempt is not
     * counted, another replica takes them. Returns how many.
     */
    Uni<Integer> release(String worker);

    /** Deletes tasks that ended before now minus {@code retention}; never an unfinished one. */
    Uni<Integer> evictEndedBefore(Duration retention);

    /**
     * Bytes of the inputs the store keeps: those of the tasks that have not ended. A task's input is deleted the moment
     * it ends (with its end, all or nothing): nothing needs it afterwards.
     */
    Uni<Long> inputBytes();

    record Counts(int queued, int running) {
    }

    /**
     * Tells this replica at once what other replicas did that it would otherwise learn at its next poll or heartbeat: a
     * task was queued, a cancel was requested. The in-memory store has no other replicas.
     */
    default void listen(Events events) {
    }

    /** What {@link #listen} reports. Called on an event-loop thread: act without blocking. */
    interface Events {
        void queued();

        void cancelRequested(String taskId);
    }

    /** A claimed task and its stored input. */
    record Claim(Task task, byte[] input) {

        public Lease lease() {
            return new Lease(task.id(), task.worker(), task.attempts());
        }
    }

    /** Who holds a running task: the worker and the attempt it claimed. */
    record Lease(String taskId, String worker, int attempt) {
    }

    /** How a task ends, and what is written with that end. */
    record Ending(TaskState state, Problem error, String reason, TaskWrite write) {
    }

    /** The ending of a task that the store ends on its own (a queued cancel, a rescue). */
    @FunctionalInterface
    interface Endings {
        Ending of(Task task, TaskState end, String reason);
    }
}
