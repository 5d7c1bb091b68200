package dev.modelserving.task;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory store's indexes of its unfinished tasks, so that claims, counts and sweeps do not scan every task: the
 * QUEUED ones in submission order, the RUNNING ones, their counts, and the bytes of input they hold.
 */
final class TaskIndex {

    /** QUEUED tasks, oldest submission first: a rescued task keeps its place once its backoff has passed. */
    private final ConcurrentSkipListSet<QueueKey> queue = new ConcurrentSkipListSet<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger queuedCount = new AtomicInteger();
    private final AtomicInteger runningCount = new AtomicInteger();
    private final AtomicLong inputBytes = new AtomicLong();

    private record QueueKey(Instant submittedAt, String id) implements Comparable<QueueKey> {

        static QueueKey of(Task task) {
            return new QueueKey(task.submittedAt(), task.id());
        }

        @Override
        public int compareTo(QueueKey other) {
            int bySubmission = submittedAt.compareTo(other.submittedAt);
            return bySubmission != 0 ? bySubmission : id.compareTo(other.id);
        }
    }

    /**
     * Follows a task's change ({@code before} is null for a new task); called while the task is held, so that the
     * changes of one task come in order.
     */
    void changed(Task before, int inputBefore, Task after, int inputAfter) {
        inputBytes.addAndGet(inputAfter - inputBefore);
        TaskState was = before == null ? null : before.state();
        TaskState now = after.state();
        if (was == now) {
            return;
        }
        if (was == TaskState.QUEUED) {
            queue.remove(QueueKey.of(before));
            queuedCount.decrementAndGet();
        } else if (was == TaskState.RUNNING) {
            running.remove(before.id());
            runningCount.decrementAndGet();
        }
        if (now == TaskState.QUEUED) {
            queue.add(QueueKey.of(after));
            queuedCount.incrementAndGet();
        } else if (now == TaskState.RUNNING) {
            running.add(after.id());
            runningCount.incrementAndGet();
        }
    }

    /** The ids of the QUEUED tasks, oldest submission first; a live view, weakly consistent. */
    Iterable<String> queued() {
        return () -> queue.stream().map(QueueKey::id).iterator();
    }

    /** The ids of the RUNNING tasks, as a copy. */
    List<String> running() {
        return List.copyOf(running);
    }

    TaskStore.Counts counts() {
        return new TaskStore.Counts(queuedCount.get(), runningCount.get());
    }

    /** The input bytes unfinished tasks hold; the gauge reads it. */
    AtomicLong inputBytes() {
        return inputBytes;
    }
}
