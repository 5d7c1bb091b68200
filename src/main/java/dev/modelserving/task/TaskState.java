package dev.modelserving.task;

/** QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED; a queued task can also be CANCELLED directly. */
public enum TaskState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
