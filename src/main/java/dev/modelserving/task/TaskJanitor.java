package dev.modelserving.task;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Housekeeping every replica does: rescues running tasks whose worker stopped renewing its lease, and evicts ended
 * tasks once they are older than {@code app.tasks.retention} (afterwards they answer 404).
 */
@ApplicationScoped
public class TaskJanitor {

    private static final Logger LOG = Logger.getLogger(TaskJanitor.class);

    private final TaskService tasks;
    private final TaskWorker worker;

    public TaskJanitor(TaskService tasks, TaskWorker worker) {
        this.tasks = tasks;
        this.worker = worker;
    }

    @Scheduled(every = "${app.tasks.janitor-interval}", identity = "task-janitor",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> evict() {
        if (!worker.started()) {
            return Uni.createFrom().voidItem();
        }
        return tasks.evictExpired().invoke(count -> {
            if (count > 0) {
                LOG.debugf("Evicted %d ended task(s) past their retention", count);
            }
        }).replaceWithVoid();
    }

    @Scheduled(every = "${app.tasks.sweep-interval}", identity = "task-rescue",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> rescue() {
        if (!worker.started()) {
            return Uni.createFrom().voidItem();
        }
        return worker.rescueExpired().replaceWithVoid();
    }
}
