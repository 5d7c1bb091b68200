package dev.modelserving.task;

import dev.modelserving.problem.Problem;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A background job as the stores keep it; clients see a {@link TaskView} of it.
 *
 * @param result where the job's product lives (e.g. {@code /orders/{id}}), known from submission
 * @param error why the task FAILED or was CANCELLED, as a problem document; on a task that was requeued after its
 * worker was lost, why that attempt ended
 * @param reason short machine-readable cause of a CANCELLED or FAILED end, e.g. {@code shutdown}
 * @param attempts how many times a worker took the task (more than 1 only after a worker was lost)
 * @param maxAttempts how many times it may be taken before it FAILS
 * @param worker the worker (replica) that holds it while RUNNING, and after its end the one that ran it
 * @param cancelRequested a cancel was asked for while it ran; the job stops at the next item
 */
public record Task(
        String id,
        String kind,
        String owner,
        TaskState state,
        Progress progress,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        Result result,
        Problem error,
        String reason,
        int attempts,
        int maxAttempts,
        String worker,
        boolean cancelRequested) {

    @RegisterForReflection
    @Schema(name = "TaskProgress")
    public record Progress(int completed, int total) {
    }

    @RegisterForReflection
    @Schema(name = "TaskResult")
    public record Result(@Schema(example = "/orders/0b6f...") String location) {
    }

    public static Task queued(String id, String kind, String owner, int total, Result result, int maxAttempts,
            Instant at) {
        return new Task(id, kind, owner, TaskState.QUEUED, new Progress(0, total), at, null, null, result, null,
                null, 0, maxAttempts, null, false);
    }

    Task claimed(String by, Instant at) {
        return new Task(id, kind, owner, TaskState.RUNNING, progress, submittedAt, startedAt == null ? at : startedAt,
                null, result, error, reason, attempts + 1, maxAttempts, by, cancelRequested);
    }

    Task requeued(Problem why, boolean countAttempt) {
        return new Task(id, kind, owner, TaskState.QUEUED, progress, submittedAt, startedAt, null, result, why, reason,
                countAttempt ? attempts : attempts - 1, maxAttempts, null, cancelRequested);
    }

    Task withProgress(int completed) {
        return new Task(id, kind, owner, state, new Progress(completed, progress.total()), submittedAt, startedAt,
                finishedAt, result, error, reason, attempts, maxAttempts, worker, cancelRequested);
    }

    Task withCancelRequested() {
        return new Task(id, kind, owner, state, progress, submittedAt, startedAt, finishedAt, result, error, reason,
                attempts, maxAttempts, worker, true);
    }

    /** Ended; a SUCCEEDED task did every item (the last progress report may not have been written yet). */
    Task finished(TaskState end, Problem problem, String why, Instant at) {
        Progress last = end == TaskState.SUCCEEDED ? new Progress(progress.total(), progress.total()) : progress;
        return new Task(id, kind, owner, end, last, submittedAt, startedAt, at, result, problem, why, attempts,
                maxAttempts, worker, cancelRequested);
    }

    boolean heldBy(TaskStore.Lease lease) {
        return state == TaskState.RUNNING && lease.worker().equals(worker) && lease.attempt() == attempts;
    }
}
