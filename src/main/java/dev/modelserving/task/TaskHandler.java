package dev.modelserving.task;

/**
 * What a kind of task does. A task may run on any replica, long after the request that submitted it: the handler
 * rebuilds its job from the stored input. One CDI bean per kind.
 */
public interface TaskHandler {

    String kind();

    /** The job of a claimed task, from its stored input. */
    TaskJob job(Task task, byte[] input);

    /** What is written when the task ends FAILED or CANCELLED (its order says so too); {@link TaskWrite#NONE}. */
    TaskWrite ended(Task task, TaskState end, String reason);
}
