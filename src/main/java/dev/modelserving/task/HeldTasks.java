package dev.modelserving.task;

import dev.modelserving.task.TaskStore.Claim;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks this replica's workers hold, by id, and the cancels announced for them. A cancel is announced as soon as it
 * commits, and that can be before this replica has read the answer to the claim that gave it the task: the claim's row
 * was read before the cancel, and nobody here holds the task yet. Such a cancel is remembered while the claim is out,
 * so that the task stops as soon as it is held instead of running until the next heartbeat.
 */
final class HeldTasks {

    private final Map<String, HeldTask> held = new ConcurrentHashMap<>();
    /** Cancels of tasks not held here, announced while a claim was out; forgotten once it is answered. */
    private final Set<String> cancelsDuringClaim = new HashSet<>();
    private boolean claimOut;

    /** A claim is on its way to the store. */
    synchronized void claimSent() {
        claimOut = true;
    }

    /** The claim's answer was read (or it failed): what it returned is held by now. */
    synchronized void claimAnswered() {
        claimOut = false;
        cancelsDuringClaim.clear();
    }

    /** Holds a claimed task; it is stopped from the start if it was cancelled before it got here. */
    synchronized HeldTask hold(Claim claim, ProgressReports progress) {
        Task task = claim.task();
        HeldTask run = new HeldTask(task, claim.lease(), progress);
        if (task.cancelRequested() || cancelsDuringClaim.remove(task.id())) {
            run.stop(TaskEndings.REASON_CANCELLED);
        }
        held.put(task.id(), run);
        return run;
    }

    /** A task was cancelled somewhere in the cluster: if it runs here, its job stops at its next item. */
    synchronized void cancelled(String taskId) {
        HeldTask run = held.get(taskId);
        if (run != null) {
            run.stop(TaskEndings.REASON_CANCELLED);
        } else if (claimOut) {
            cancelsDuringClaim.add(taskId);
        }
    }

    void done(String taskId) {
        held.remove(taskId);
    }

    Collection<HeldTask> all() {
        return List.copyOf(held.values());
    }

    int size() {
        return held.size();
    }

    boolean isEmpty() {
        return held.isEmpty();
    }
}
