package dev.modelserving.task;

import io.smallrye.mutiny.Uni;

/** The work of one task, run by {@link TaskService} on a task worker thread. */
public interface TaskJob {

    /**
     * Does the work. Runs on a task worker thread, so it may block. It reports progress and checks for
     * cancellation through {@code control} between items.
     */
    Uni<Void> run(TaskControl control);

    /**
     * Called once when the task ends CANCELLED or FAILED — also when it was cancelled before it ever ran — so that
     * whatever the job stands for (an order) can say so.
     */
    Uni<Void> ended(TaskState end, String reason);
}
