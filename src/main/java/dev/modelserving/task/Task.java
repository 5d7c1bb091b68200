package dev.modelserving.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.modelserving.problem.Problem;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A background job as stored and as shown to clients.
 *
 * @param result          where the job's product lives (e.g. {@code /orders/{id}}), known from submission
 * @param error           why the task FAILED or was CANCELLED, as a problem document
 * @param reason          short machine-readable cause of a CANCELLED or FAILED end, e.g. {@code shutdown}
 * @param cancelRequested a cancel was asked for while it ran; the job stops at the next item
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Task")
public record Task(
        String id,
        @Schema(example = "order-classification") String kind,
        String owner,
        TaskState state,
        Progress progress,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        Result result,
        Problem error,
        @Schema(example = "cancelled") String reason,
        @JsonIgnore boolean cancelRequested) {

    @RegisterForReflection
    @Schema(name = "TaskProgress")
    public record Progress(int completed, int total) {
    }

    @RegisterForReflection
    @Schema(name = "TaskResult")
    public record Result(@Schema(example = "/orders/0b6f...") String location) {
    }

    public static Task queued(String id, String kind, String owner, int total, Result result, Instant at) {
        return new Task(id, kind, owner, TaskState.QUEUED, new Progress(0, total), at, null, null, result, null,
                null, false);
    }

    Task started(Instant at) {
        return new Task(id, kind, owner, TaskState.RUNNING, progress, submittedAt, at, null, result, error, reason,
                cancelRequested);
    }

    Task withProgress(int completed) {
        return new Task(id, kind, owner, state, new Progress(completed, progress.total()), submittedAt, startedAt,
                finishedAt, result, error, reason, cancelRequested);
    }

    Task withCancelRequested() {
        return new Task(id, kind, owner, state, progress, submittedAt, startedAt, finishedAt, result, error, reason,
                true);
    }

    Task finished(TaskState end, Problem problem, String why, Instant at) {
        return new Task(id, kind, owner, end, progress, submittedAt, startedAt, at, result, problem, why,
                cancelRequested);
    }
}
