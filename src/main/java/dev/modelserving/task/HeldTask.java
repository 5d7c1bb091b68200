package dev.modelserving.task;

import dev.modelserving.task.TaskStore.Lease;

/**
 * A task this replica's worker holds: its lease, its progress reports, and why its job should stop, once somebody says
 * so. It is the job's {@link TaskControl}.
 */
final class HeldTask implements TaskControl {

    private final Task task;
    private final Lease lease;
    private final ProgressReports progress;
    private volatile String stop;

    HeldTask(Task task, Lease lease, ProgressReports progress) {
        this.task = task;
        this.lease = lease;
        this.progress = progress;
    }

    Task task() {
        return task;
    }

    Lease lease() {
        return lease;
    }

    /** Asks the job to stop at its next item; the first reason given is the one it stops for. */
    void stop(String reason) {
        if (stop == null) {
            stop = reason;
        }
    }

    @Override
    public String taskId() {
        return task.id();
    }

    @Override
    public void progressed(int completed) {
        progress.report(completed);
    }

    @Override
    public void stopIfCancelled() {
        String reason = stop;
        if (reason != null) {
            throw new TaskCancelledException(reason);
        }
    }
}
