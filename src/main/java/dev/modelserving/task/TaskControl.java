package dev.modelserving.task;

/** What a running job can tell its task and ask of it. */
public interface TaskControl {

    String taskId();

    /** Records that {@code completed} of the task's items are done. */
    void progressed(int completed);

    /**
     * Throws {@link TaskCancelledException} when the task was cancelled (by its owner or by shutdown) or when this
     * worker no longer holds it.
     */
    void stopIfCancelled();
}
