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

    public TaskJanitor(TaskService tasks) {
        this.tasks = tasks;
    }

    @Scheduled(every = "${app.tasks.janitor-interval:1m}", identity = "task-janitor",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> evict() {
        return tasks.evictExpired().invoke(count -> {
            if (count > 0) {
                LOG.debugf("Evicted %d ended task(s) past their retention", count);
            }
        }).replaceWithVoid();
    }

    @Scheduled(every = "${app.tasks.sweep-interval:5s}", identity = "task-rescue",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> rescue() {
        return tasks.rescueExpired().replaceWithVoid();
    }
}
