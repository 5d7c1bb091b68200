package dev.modelserving.task;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Writes a running task's progress without queueing a store write per item: at most one write is in flight, and when it
 * returns the latest figure follows if it changed meanwhile.
 */
final class ProgressReports {

    private static final Logger LOG = Logger.getLogger(ProgressReports.class);

    private final TaskStore store;
    private final TaskStore.Lease lease;
    private final AtomicInteger latest = new AtomicInteger(-1);
    private final AtomicBoolean writing = new AtomicBoolean();

    ProgressReports(TaskStore store, TaskStore.Lease lease) {
        this.store = store;
        this.lease = lease;
    }

    void report(int completed) {
        latest.set(completed);
        flush();
    }

    private void flush() {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        int value = latest.get();
        store.progress(lease, value).subscribe().with(ignored -> written(value), failure -> {
            LOG.debugf("progress of task %s not recorded: %s", lease.taskId(), failure.getMessage());
            writing.set(false);
        });
    }

    private void written(int value) {
        writing.set(false);
        if (latest.get() != value) {
            flush();
        }
    }
}
