package dev.modelserving.task;

import dev.modelserving.problem.Problem;
import dev.modelserving.problem.ProblemType;
import java.time.Duration;

/** What becomes of a running task whose worker's lease expired: the rules every task store applies. */
final class Rescue {

    static final String REASON_LEASE_EXPIRED = "lease-expired";

    private Rescue() {
    }

    /** CANCELLED when a cancel was asked for, FAILED when no attempt is left, otherwise QUEUED again. */
    static TaskState endOf(Task task) {
        if (task.cancelRequested()) {
            return TaskState.CANCELLED;
        }
        return task.attempts() >= task.maxAttempts() ? TaskState.FAILED : TaskState.QUEUED;
    }

    static String reasonOf(TaskState end) {
        return end == TaskState.CANCELLED ? TaskService.REASON_CANCELLED : REASON_LEASE_EXPIRED;
    }

    /** Why an attempt ended without its worker saying so. */
    static Problem lostLease(Task task) {
        return Problem.of(ProblemType.SERVICE_UNAVAILABLE, "Attempt " + task.attempts() + " on worker '"
                + task.worker() + "' stopped renewing its lease (the replica died or stalled)", "/tasks/" + task.id());
    }

    /** {@code base} doubled for each attempt after the first, capped at 64 times. */
    static Duration backoff(Duration base, int attemptsMade) {
        return base.multipliedBy(1L << Math.min(6, Math.max(0, attemptsMade - 1)));
    }
}
