package dev.modelserving.task;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Housekeeping every replica does while its worker runs: rescues running tasks whose worker (on any replica) stopped
 * renewing its lease, and evicts ended tasks once they are older than {@code app.tasks.retention} (afterwards they
 * answer 404).
 */
@ApplicationScoped
public class TaskJanitor {

    private static final Logger LOG = Logger.getLogger(TaskJanitor.class);

    private final TaskStore store;
    private final TaskConfig config;
    private final TaskEndings endings;
    private final TaskMetrics metrics;
    private final TaskWorker worker;

    public TaskJanitor(TaskStore store, TaskConfig config, TaskEndings endings, TaskMetrics metrics,
            TaskWorker worker) {
        this.store = store;
        this.config = config;
        this.endings = endings;
        this.metrics = metrics;
        this.worker = worker;
    }

    @Scheduled(every = "${app.tasks.janitor-interval}", identity = "task-janitor",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> evict() {
        if (!worker.started()) {
            return Uni.createFrom().voidItem();
        }
        return store.evictEndedBefore(config.retention()).invoke(count -> {
            if (count > 0) {
                LOG.debugf("Evicted %d ended task(s) past their retention", count);
            }
        }).replaceWithVoid();
    }

    /** Moves running tasks whose lease expired back to the queue (or to their end); a requeued one is claimed soon. */
    @Scheduled(every = "${app.tasks.sweep-interval}", identity = "task-rescue",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> rescue() {
        if (!worker.started()) {
            return Uni.createFrom().voidItem();
        }
        return store.rescueExpired(config.retryBackoff(), endings::of).invoke(moved -> {
            for (Task task : moved) {
                metrics.ended(task);
                LOG.warnf("Task %s lost its worker at attempt %d: now %s", task.id(), task.attempts(), task.state());
            }
            if (!moved.isEmpty()) {
                worker.wake();
            }
        }).replaceWithVoid();
    }
}
