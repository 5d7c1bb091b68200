package dev.modelserving.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.modelserving.problem.Problem;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A task as clients see it: what is stored for the workers (the lease holder, the attempt limit, a pending cancel)
 * stays out, and a new stored field is not shown until it is added here.
 *
 * @param result where the job's product lives (e.g. {@code /orders/{id}}), known from submission
 * @param error why the task FAILED or was CANCELLED, as a problem document; on a task that was requeued after its
 * worker was lost, why that attempt ended
 * @param reason short machine-readable cause of a CANCELLED or FAILED end, e.g. {@code shutdown}
 * @param attempts how many times a worker took the task (more than 1 only after a worker was lost)
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Task")
public record TaskView(
        String id,
        @Schema(example = "order-classification") String kind,
        String owner,
        TaskState state,
        Task.Progress progress,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        Task.Result result,
        Problem error,
        @Schema(example = "cancelled") String reason,
        int attempts) {

    public static TaskView of(Task task) {
        return new TaskView(task.id(), task.kind(), task.owner(), task.state(), task.progress(), task.submittedAt(),
                task.startedAt(), task.finishedAt(), task.result(), task.error(), task.reason(), task.attempts());
    }
}
