package dev.modelserving.task;

import dev.modelserving.problem.IncidentLog;
import dev.modelserving.task.TaskStore.Claim;
import dev.modelserving.task.TaskStore.Ending;
import dev.modelserving.task.TaskStore.Lease;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * This replica's task worker. The {@link TaskStore} is a queue: the workers of every replica claim due tasks from it,
 * as many as they have free threads, and run each claimed job as a Mutiny pipeline subscribed on this replica's bounded
 * worker pool (never on the event loop). While a job runs, its lease is renewed every third of {@code app.tasks.lease};
 * its end is written only while the lease still holds, so a worker that was presumed dead and replaced changes nothing
 * when it wakes up.
 */
@ApplicationScoped
public class TaskWorker {

    /** Local stop reasons that end nothing: the task belongs to another worker now, or back to the queue. */
    private static final String STOP_LOST = "lost";
    private static final String STOP_RELEASED = "released";
    private static final Logger LOG = Logger.getLogger(TaskWorker.class);
    /** After the shutdown timeout, how long stopped jobs get to reach their next item and write their end. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final TaskStore store;
    private final TaskConfig config;
    private final TaskEndings endings;
    private final TaskMetrics metrics;
    private final IncidentLog incidents;
    private final Duration shutdownTimeout;
    private final String workerId;
    private final int workerCount;
    private final ThreadPoolExecutor workers;
    /** One thread for the claim polls and the lease heartbeats. */
    private final ScheduledExecutorService timers;
    private final HeldTasks local = new HeldTasks();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean claimWanted = new AtomicBoolean();
    private volatile boolean claimingEnabled;
    /**
     * Between start and stop: the store's schema is migrated by then, and its tasks are still this process's to look
     * after. Housekeeping runs only meanwhile.
     */
    private volatile boolean started;

    public TaskWorker(TaskStore store, TaskConfig config, TaskEndings endings, TaskMetrics metrics,
            IncidentLog incidents,
            @ConfigProperty(name = "quarkus.shutdown.timeout", defaultValue = "30s") Duration shutdownTimeout) {
        this.store = store;
        this.config = config;
        this.endings = endings;
        this.metrics = metrics;
        this.incidents = incidents;
        this.shutdownTimeout = shutdownTimeout;
        this.workerId = config.workerId().orElseGet(TaskWorker::defaultWorkerId);
        this.workerCount = config.workerCount();
        AtomicInteger number = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(Math.max(1, workerCount), Math.max(1, workerCount), 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> daemon(runnable,
                        "task-worker-" + number.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "task-timer"));
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private static String defaultWorkerId() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElse("local");
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 4);
    }

    /** This replica's name in the task store. */
    public String workerId() {
        return workerId;
    }

    /** Whether this worker runs (started, not yet stopped), so that housekeeping may touch the store. */
    public boolean started() {
        return started;
    }

    /**
     * Starts claiming; called once the application (and the store's schema) is up. No workers: this replica only
     * submits.
     */
    public void start() {
        started = true;
        if (workerCount <= 0) {
            LOG.info("app.tasks.workers=0: this replica runs no tasks");
            return;
        }
        claimingEnabled = true;
        store.listen(new TaskStore.Events() {
            @Override
            public void queued() {
                wake();
            }

            @Override
            public void cancelRequested(String taskId) {
                cancelled(taskId);
            }
        });
        long heartbeat = Math.max(100, config.lease().toMillis() / 3);
        timers.scheduleAtFixedRate(this::heartbeats, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        schedulePoll();
        LOG.debugf("Task worker '%s' claims with %d thread(s), lease %s", workerId, workerCount, config.lease());
    }

    /** The next poll, after the interval with up to 25% jitter either way, so that replicas do not poll in step. */
    private void schedulePoll() {
        long interval = config.pollInterval().toMillis();
        long delay = Math.max(10, interval + ThreadLocalRandom.current().nextLong(-interval / 4, interval / 4 + 1));
        timers.schedule(() -> {
            try {
                wake();
                store.counts().subscribe().with(counts -> metrics.queued(counts.queued()),
                        failure -> LOG.debugf("task counts not read: %s", failure.getMessage()));
            } finally {
                if (claimingEnabled) {
                    schedulePoll();
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Asks for a claim as soon as possible; claims never overlap, and a wake during one leads to another. */
    void wake() {
        claimWanted.set(true);
        if (claimingEnabled && claiming.compareAndSet(false, true)) {
            claimWanted.set(false);
            int free = workerCount - local.size();
            if (free <= 0) {
                claimed();
                return;
            }
            local.claimSent();
            store.claim(workerId, free, config.lease()).subscribe().with(claims -> {
                claims.forEach(this::start);
                local.claimAnswered();
                claimed();
            }, failure -> {
                LOG.warnf("Claiming tasks failed (retrying at the next poll): %s", failure.getMessage());
                local.claimAnswered();
                claimed();
            });
        }
    }

    private void claimed() {
        claiming.set(false);
        if (claimWanted.get() && local.size() < workerCount) {
            wake();
        }
    }

    /** A task was cancelled: if it runs here, or is about to, its job stops at its next item. */
    void cancelled(String taskId) {
        local.cancelled(taskId);
    }

    private void start(Claim claim) {
        Task task = claim.task();
        HeldTask run = local.hold(claim, new ProgressReports(store, claim.lease()));
        Uni.createFrom().deferred(() -> runClaimed(run, claim.input()))
                .runSubscriptionOn(workers)
                .onTermination().invoke(() -> {
                    local.done(task.id());
                    wake();
                })
                .subscribe().with(ignored -> {
                }, failure -> incidents.record(failure, "task " + task.id()));
    }

    private Uni<Void> runClaimed(HeldTask run, byte[] input) {
        long began = metrics.jobStarted();
        return Uni.createFrom().item(() -> {
            run.stopIfCancelled();
            return endings.handler(run.task()).job(run.task(), input).run(run);
        })
                .flatMap(product -> store.finish(run.lease(), new Ending(TaskState.SUCCEEDED, null, null, product),
                        endings.of(run.task(), TaskState.CANCELLED, TaskEndings.REASON_CANCELLED)))
                .invoke(ended -> ended.ifPresentOrElse(metrics::ended,
                        () -> LOG.warnf("Task %s was taken from worker '%s' (attempt %d) before it finished; its "
                                + "result was discarded", run.task().id(), workerId, run.lease().attempt())))
                .replaceWithVoid()
                .onFailure(TaskCancelledException.class).recoverWithUni(stopped -> stopped(run,
                        ((TaskCancelledException) stopped).reason()))
                .onFailure().recoverWithUni(failure -> end(run, TaskState.FAILED, "failed", failure))
                .onTermination().invoke(() -> metrics.jobStopped(began));
    }

    /** A job stopped between items: it ends CANCELLED, unless the task is no longer this worker's to end. */
    private Uni<Void> stopped(HeldTask run, String reason) {
        if (STOP_LOST.equals(reason) || STOP_RELEASED.equals(reason)) {
            LOG.infof("Task %s stopped on worker '%s' (%s); another worker carries on", run.task().id(), workerId,
                    reason);
            return Uni.createFrom().voidItem();
        }
        return end(run, TaskState.CANCELLED, reason, null);
    }

    private Uni<Void> end(HeldTask run, TaskState state, String reason, Throwable failure) {
        return store.finish(run.lease(), endings.of(run.task(), state, reason, failure))
                .invoke(metrics::ended)
                .replaceWithVoid();
    }

    /** Renews the lease of every task held here; a task that is no longer ours, or was cancelled, stops. */
    private void heartbeats() {
        for (HeldTask run : local.all()) {
            store.heartbeat(run.lease(), config.lease()).subscribe().with(held -> {
                if (held.isEmpty()) {
                    run.stop(STOP_LOST);
                } else if (held.get()) {
                    run.stop(TaskEndings.REASON_CANCELLED);
                }
            }, failure -> LOG.warnf("Lease of task %s not renewed: %s", run.task().id(), failure.getMessage()));
        }
    }

    /** Claims nothing more: the service is about to stop. */
    public void stopClaiming() {
        claimingEnabled = false;
    }

    /**
     * Stops this worker: claims nothing more, and gives running tasks until {@code quarkus.shutdown.timeout} to finish.
     * Then, with a durable store, the tasks still running go back to the queue for another replica; with the in-memory
     * store they die with the process, so they — and the queued ones — end CANCELLED with reason {@code shutdown}.
     */
    public void stop() throws InterruptedException {
        started = false;
        stopClaiming();
        if (!local.isEmpty()) {
            LOG.infof("Shutdown: %d task(s) running here; waiting up to %s for them", local.size(), shutdownTimeout);
        }
        awaitLocal(shutdownTimeout);
        if (store.durable()) {
            if (!local.isEmpty()) {
                local.all().forEach(run -> run.stop(STOP_RELEASED));
                int released = store.release(workerId).await().atMost(STOP_GRACE);
                LOG.infof("Shutdown: %d unfinished task(s) released to the queue for another replica", released);
            }
        } else {
            local.all().forEach(run -> run.stop(TaskEndings.REASON_SHUTDOWN));
            awaitLocal(STOP_GRACE);
            cancelLeftovers();
        }
        timers.shutdownNow();
        workers.shutdown();
    }

    /** In memory, what is left dies with the process: it ends CANCELLED for shutdown, so that nobody waits for it. */
    private void cancelLeftovers() {
        List<Task> all = store.list(Optional.empty(), Optional.empty(), 0, Integer.MAX_VALUE).await()
                .atMost(STOP_GRACE).items();
        for (Task left : all) {
            if (left.state() == TaskState.QUEUED) {
                store.requestCancel(left.id(), (t, end, reason) -> endings.of(t, end, TaskEndings.REASON_SHUTDOWN))
                        .await().atMost(STOP_GRACE);
            } else if (left.state() == TaskState.RUNNING) {
                // A job that ignores cancellation: record its end ourselves.
                store.finish(new Lease(left.id(), workerId, left.attempts()),
                        endings.of(left, TaskState.CANCELLED, TaskEndings.REASON_SHUTDOWN)).await().atMost(STOP_GRACE);
            }
        }
    }

    private void awaitLocal(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!local.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
