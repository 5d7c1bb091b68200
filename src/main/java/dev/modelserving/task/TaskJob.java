package dev.modelserving.task;

/** The work of one claimed task, run by {@link TaskService} on a task worker thread. */
public interface TaskJob {

    /**
     * Does the work; runs on a task worker thread, so it may block. Reports progress and checks for cancellation
     * through {@code control} between items. Returns the write of its product (the completed order), which the store
     * commits together with the SUCCEEDED end — only if this worker still holds the task.
     */
    TaskWrite run(TaskControl control);
}
