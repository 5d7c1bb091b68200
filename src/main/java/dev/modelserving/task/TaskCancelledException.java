package dev.modelserving.task;

/** Thrown inside a job to stop it between items once its task was cancelled. */
public class TaskCancelledException extends RuntimeException {

    private final String reason;

    public TaskCancelledException(String reason) {
        super("task cancelled: " + reason, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
