package dev.modelserving.task;

import dev.modelserving.problem.IncidentLog;
import dev.modelserving.problem.Problem;
import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import dev.modelserving.task.TaskStore.Ending;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a task ends: the reasons it records, what becomes of a task whose worker was lost (the rules every task store
 * applies), the problem each end carries, and what the task's handler writes with it.
 */
@ApplicationScoped
public class TaskEndings {

    /** The service stopped before the task finished. */
    static final String REASON_SHUTDOWN = "shutdown";
    /** Its owner (or an admin) cancelled it. */
    static final String REASON_CANCELLED = "cancelled";
    /** Its last worker stopped renewing its lease and no attempt was left. */
    static final String REASON_LEASE_EXPIRED = "lease-expired";

    private final Map<String, TaskHandler> handlers;
    private final IncidentLog incidents;

    public TaskEndings(@All List<TaskHandler> handlers, IncidentLog incidents) {
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(TaskHandler::kind, h -> h));
        this.incidents = incidents;
    }

    /** The end of a task that did not fail by itself: cancelled, shut down, or its worker lost. */
    Ending of(Task task, TaskState state, String reason) {
        return of(task, state, reason, null);
    }

    /** The end, with its problem and its handler's write ({@code failure} is what a FAILED job threw). */
    Ending of(Task task, TaskState state, String reason, Throwable failure) {
        TaskHandler handler = handlers.get(task.kind());
        TaskWrite write = handler == null ? TaskWrite.NONE : handler.ended(task, state, reason);
        return new Ending(state, problemFor(task, state, reason, failure), reason, write);
    }

    /** The handler of the task's kind; a task of a kind this replica does not know fails. */
    TaskHandler handler(Task task) {
        TaskHandler handler = handlers.get(task.kind());
        if (handler == null) {
            throw new IllegalStateException("No handler for tasks of kind '" + task.kind() + "' on this replica");
        }
        return handler;
    }

    private Problem problemFor(Task task, TaskState state, String reason, Throwable failure) {
        String instance = instanceOf(task);
        if (REASON_LEASE_EXPIRED.equals(reason)) {
            return lostWorker(task);
        }
        if (state == TaskState.CANCELLED) {
            // A cancel its owner asked for is no error: the state and reason say it all. A shutdown is one.
            return REASON_SHUTDOWN.equals(reason)
                    ? Problem.of(ProblemType.SERVICE_UNAVAILABLE,
                            "The task was cancelled because the service shut down before it finished", instance)
                    : null;
        }
        if (failure instanceof ProblemException problem) {
            return Problem.of(problem.type(), problem.getMessage(), instance);
        }
        String incident = incidents.record(failure, "task " + task.id());
        return Problem.of(ProblemType.INTERNAL_ERROR, "The task failed unexpectedly; quote incident " + incident,
                instance).withIncident(incident);
    }

    /**
     * Where a RUNNING task goes when its lease expired: CANCELLED if asked, FAILED with no attempt left, else QUEUED.
     */
    static TaskState afterLostWorker(Task task) {
        if (task.cancelRequested()) {
            return TaskState.CANCELLED;
        }
        return task.attempts() >= task.maxAttempts() ? TaskState.FAILED : TaskState.QUEUED;
    }

    /** The reason recorded when a task whose worker was lost ends in {@code end}. */
    static String reasonAfterLostWorker(TaskState end) {
        return end == TaskState.CANCELLED ? REASON_CANCELLED : REASON_LEASE_EXPIRED;
    }

    /** Why an attempt ended without its worker saying so: kept on a requeued task, and on one that FAILED of it. */
    static Problem lostWorker(Task task) {
        return Problem.of(ProblemType.SERVICE_UNAVAILABLE, "Attempt " + task.attempts() + " of "
                + task.maxAttempts() + " on worker '" + task.worker()
                + "' stopped renewing its lease (the replica died or stalled)", instanceOf(task));
    }

    /** How long a requeued task waits: {@code base} doubled for each attempt after the first, capped at 64 times. */
    static Duration backoff(Duration base, int attemptsMade) {
        return base.multipliedBy(1L << Math.min(6, Math.max(0, attemptsMade - 1)));
    }

    private static String instanceOf(Task task) {
        return "/tasks/" + task.id();
    }
}
