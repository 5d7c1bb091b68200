package dev.modelserving.task;

import dev.modelserving.problem.ConflictException;
import dev.modelserving.problem.IncidentLog;
import dev.modelserving.problem.ResourceNotFoundException;
import dev.modelserving.problem.Problem;
import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import dev.modelserving.problem.ShuttingDownException;
import dev.modelserving.task.TaskStore.Claim;
import dev.modelserving.task.TaskStore.Ending;
import dev.modelserving.task.TaskStore.Lease;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs background jobs. A submitted task is stored (with its input) in the {@link TaskStore}, which is a queue:
 * the workers of every replica claim due tasks from it, as many as they have free threads, and run each claimed
 * job as a Mutiny pipeline subscribed on this replica's bounded worker pool (never on the event loop). While a job
 * runs, its lease is renewed every third of {@code app.tasks.lease}; its end is written only while the lease still
 * holds, so a worker that was presumed dead and replaced changes nothing when it wakes up.
 */
@ApplicationScoped
public class TaskService {

    /** First among the shutdown observers: tasks end before the prediction log's final flush. */
    static final int SHUTDOWN_PRIORITY = 1_000;
    static final String REASON_SHUTDOWN = "shutdown";
    static final String REASON_CANCELLED = "cancelled";
    /** Local stop reasons that end nothing: the task belongs to another worker now, or back to the queue. */
    private static final String STOP_LOST = "lost";
    private static final String STOP_RELEASED = "released";
    private static final Logger LOG = Logger.getLogger(TaskService.class);
    private static final Duration LONG_POLL_STEP = Duration.ofMillis(100);
    /** After the shutdown timeout, how long stopped jobs get to reach their next item and write their end. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final TaskStore store;
    private final Clock clock;
    private final Map<String, TaskHandler> handlers;
    private final TaskConfig config;
    private final IncidentLog incidents;
    private final Duration shutdownTimeout;
    private final String workerId;
    private final int workerCount;
    private final ThreadPoolExecutor workers;
    /** One thread for the claim polls and the lease heartbeats. */
    private final ScheduledExecutorService timers;
    /** Tasks this replica's workers hold, by id. */
    private final Map<String, Running> local = new ConcurrentHashMap<>();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean claimWanted = new AtomicBoolean();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Map<TaskState, Counter> finished = new EnumMap<>(TaskState.class);
    private final Timer duration;
    private volatile boolean accepting = true;
    private volatile boolean claimingEnabled;
    /** Set once the application started (the store's schema is migrated by then); housekeeping waits for it. */
    private volatile boolean started;

    /** A task this replica holds: its lease, and why it should stop, once somebody says so. */
    private static final class Running {
        private final Task task;
        private final Lease lease;
        private final ProgressReports progress;
        private volatile String stop;

        private Running(Task task, Lease lease, ProgressReports progress) {
            this.task = task;
            this.lease = lease;
            this.progress = progress;
        }

        void stop(String reason) {
            if (stop == null) {
                stop = reason;
            }
        }
    }

    public TaskService(TaskStore store, Clock clock, @All List<TaskHandler> handlers, TaskConfig config,
            IncidentLog incidents, MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.shutdown.timeout", defaultValue = "30s") Duration shutdownTimeout) {
        this.store = store;
        this.clock = clock;
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(TaskHandler::kind, h -> h));
        this.config = config;
        this.incidents = incidents;
        this.shutdownTimeout = shutdownTimeout;
        this.workerId = config.workerId().orElseGet(TaskService::defaultWorkerId);
        this.workerCount = config.workerCount();
        AtomicInteger number = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(Math.max(1, workerCount), Math.max(1, workerCount), 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> daemon(runnable,
                        "task-worker-" + number.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "task-timer"));
        metrics.gauge("tasks.queued", queued);
        metrics.gauge("tasks.running", running);
        for (TaskState state : List.of(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED)) {
            finished.put(state, Counter.builder("tasks.finished").tag("state", state.name())
                    .description("Tasks that ended, by end state").register(metrics));
        }
        this.duration = Timer.builder("tasks.duration").description("Time from start to end of a task")
                .publishPercentileHistogram().register(metrics);
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

    /** Starts claiming once the application (and the store's schema) is up. No workers: this replica only submits. */
    void onStart(@Observes StartupEvent event) {
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
                Running here = local.get(taskId);
                if (here != null) {
                    here.stop(REASON_CANCELLED);
                }
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
                store.counts().subscribe().with(counts -> queued.set(counts.queued()),
                        failure -> LOG.debugf("task counts not read: %s", failure.getMessage()));
            } finally {
                if (claimingEnabled) {
                    schedulePoll();
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Accepts a task if the queue has room. {@code prepare} is given the new task's id and returns its input and
     * what is stored with it (an order); all of it is committed before this emits, so any replica can run it.
     *
     * @throws QueueFullException    (429) when the unfinished tasks fill every worker and queue place
     * @throws ShuttingDownException (503) once the service is stopping
     */
    public Uni<Task> submit(String kind, String owner, int total, Function<String, Submission> prepare) {
        if (!accepting) {
            return Uni.createFrom().failure(new ShuttingDownException(
                    "The service is shutting down and accepts no new tasks; retry on another replica"));
        }
        return store.counts().flatMap(counts -> {
            queued.set(counts.queued());
            if (counts.queued() + counts.running() >= config.queueCapacity() + Math.max(1, workerCount)) {
                throw new QueueFullException("The task queue is full (" + counts.queued()
                        + " waiting); nothing was accepted, retry later", 5);
            }
            String id = UUID.randomUUID().toString();
            Submission submission = prepare.apply(id);
            Task task = Task.queued(id, kind, owner, total, submission.result(), config.maxAttempts(),
                    Instant.now(clock));
            return store.enqueue(task, submission.input(), submission.alongside()).replaceWith(task);
        }).invoke(task -> {
            queued.incrementAndGet();
            wake();
        });
    }

    /** What a new task is made of: its stored input, where its product will be, and what is stored with it. */
    public record Submission(byte[] input, Task.Result result, TaskWrite alongside) {
    }

    /** Asks for a claim as soon as possible; claims never overlap, and a wake during one leads to another. */
    private void wake() {
        claimWanted.set(true);
        if (claimingEnabled && accepting && claiming.compareAndSet(false, true)) {
            claimWanted.set(false);
            int free = workerCount - local.size();
            if (free <= 0) {
                claimed();
                return;
            }
            store.claim(workerId, free, config.lease()).subscribe().with(claims -> {
                claims.forEach(this::start);
                claimed();
            }, failure -> {
                LOG.warnf("Claiming tasks failed (retrying at the next poll): %s", failure.getMessage());
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

    private void start(Claim claim) {
        Task task = claim.task();
        Running run = new Running(task, claim.lease(), new ProgressReports(store, claim.lease()));
        if (task.cancelRequested()) {
            run.stop(REASON_CANCELLED);
        }
        local.put(task.id(), run);
        Uni.createFrom().deferred(() -> runClaimed(run, claim.input()))
                .runSubscriptionOn(workers)
                .onTermination().invoke(() -> {
                    local.remove(task.id());
                    wake();
                })
                .subscribe().with(ignored -> { }, failure -> incidents.record(failure, "task " + task.id()));
    }

    private Uni<Void> runClaimed(Running run, byte[] input) {
        running.incrementAndGet();
        long began = System.nanoTime();
        TaskControl control = controlOf(run);
        return Uni.createFrom().item(() -> {
            if (run.stop != null) {
                throw new TaskCancelledException(run.stop);
            }
            return handler(run.task).job(run.task, input).run(control);
        })
                .flatMap(product -> store.finish(run.lease, new Ending(TaskState.SUCCEEDED, null, null, product),
                        ending(run.task, TaskState.CANCELLED, REASON_CANCELLED, null)))
                .invoke(ended -> ended.ifPresentOrElse(t -> finished.get(t.state()).increment(),
                        () -> LOG.warnf("Task %s was taken from worker '%s' (attempt %d) before it finished; its "
                                + "result was discarded", run.task.id(), workerId, run.lease.attempt())))
                .replaceWithVoid()
                .onFailure(TaskCancelledException.class).recoverWithUni(stopped -> stopped(run,
                        ((TaskCancelledException) stopped).reason()))
                .onFailure().recoverWithUni(failure -> end(run, TaskState.FAILED, "failed", failure))
                .onTermination().invoke(() -> {
                    running.decrementAndGet();
                    duration.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
                });
    }

    private TaskControl controlOf(Running run) {
        return new TaskControl() {
            @Override
            public String taskId() {
                return run.task.id();
            }

            @Override
            public void progressed(int completed) {
                run.progress.report(completed);
            }

            @Override
            public void stopIfCancelled() {
                String reason = run.stop;
                if (reason != null) {
                    throw new TaskCancelledException(reason);
                }
            }
        };
    }

    /** A job stopped between items: it ends CANCELLED, unless the task is no longer this worker's to end. */
    private Uni<Void> stopped(Running run, String reason) {
        if (STOP_LOST.equals(reason) || STOP_RELEASED.equals(reason)) {
            LOG.infof("Task %s stopped on worker '%s' (%s); another worker carries on", run.task.id(), workerId,
                    reason);
            return Uni.createFrom().voidItem();
        }
        return end(run, TaskState.CANCELLED, reason, null);
    }

    private Uni<Void> end(Running run, TaskState state, String reason, Throwable failure) {
        return store.finish(run.lease, ending(run.task, state, reason, failure))
                .invoke(ended -> ended.ifPresent(t -> finished.get(t.state()).increment()))
                .replaceWithVoid();
    }

    private Ending ending(Task task, TaskState state, String reason, Throwable failure) {
        TaskHandler handler = handlers.get(task.kind());
        TaskWrite write = handler == null ? TaskWrite.NONE : handler.ended(task, state, reason);
        return new Ending(state, problemFor(task, state, reason, failure), reason, write);
    }

    private TaskHandler handler(Task task) {
        TaskHandler handler = handlers.get(task.kind());
        if (handler == null) {
            throw new IllegalStateException("No handler for tasks of kind '" + task.kind() + "' on this replica");
        }
        return handler;
    }

    private Problem problemFor(Task task, TaskState state, String reason, Throwable failure) {
        String instance = "/tasks/" + task.id();
        if (Rescue.REASON_LEASE_EXPIRED.equals(reason)) {
            return Problem.of(ProblemType.SERVICE_UNAVAILABLE, "The task's worker was lost on each of its "
                    + task.attempts() + " attempt(s); the last, '" + task.worker() + "', stopped renewing its lease",
                    instance);
        }
        if (state == TaskState.CANCELLED) {
            // A cancel its owner asked for is no error: the state and reason say it all. A shutdown is one.
            return REASON_SHUTDOWN.equals(reason)
                    ? Problem.of(ProblemType.SERVICE_UNAVAILABLE,
                            "The task was cancelled because the service shut down before it finished", instance)
                    : null;
        }
        if (failure instanceof ProblemException problem) {
            return Problem.of(problem.type(), problem.getMessage(), instance);
        }
        String incident = incidents.record(failure, "task " + task.id());
        return Problem.of(ProblemType.INTERNAL_ERROR, "The task failed unexpectedly; quote incident " + incident,
                instance).withIncident(incident);
    }

    /** Renews the lease of every task held here; a task that is no longer ours, or was cancelled, stops. */
    private void heartbeats() {
        for (Running run : local.values()) {
            store.heartbeat(run.lease, config.lease()).subscribe().with(held -> {
                if (held.isEmpty()) {
                    run.stop(STOP_LOST);
                } else if (held.get()) {
                    run.stop(REASON_CANCELLED);
                }
            }, failure -> LOG.warnf("Lease of task %s not renewed: %s", run.task.id(), failure.getMessage()));
        }
    }

    /** Moves running tasks whose lease expired back to the queue (or to their end); run on every replica. */
    public Uni<List<Task>> rescueExpired() {
        if (!started) {
            return Uni.createFrom().item(List.of());
        }
        return store.rescueExpired(config.retryBackoff(), (task, end, reason) -> ending(task, end, reason, null))
                .invoke(moved -> {
                    for (Task task : moved) {
                        if (task.state().isTerminal()) {
                            finished.get(task.state()).increment();
                        }
                        LOG.warnf("Task %s lost its worker at attempt %d: now %s", task.id(), task.attempts(),
                                task.state());
                    }
                    if (!moved.isEmpty()) {
                        wake();
                    }
                });
    }

    /** The task if the caller may see it (its owner, or an admin); otherwise 404, so its existence does not leak. */
    public Uni<Task> get(String id, String caller, boolean admin) {
        return store.find(id).map(found -> found
                .filter(task -> admin || task.owner().equals(caller))
                .orElseThrow(() -> new ResourceNotFoundException("Task '" + id + "' not found")));
    }

    /**
     * Like {@link #get}, but waits up to {@code wait} for the task to end, checking every 100 ms, so that a client
     * can long-poll instead of polling.
     */
    public Uni<Task> await(String id, String caller, boolean admin, Duration wait) {
        return get(id, caller, admin).flatMap(task -> {
            if (task.state().isTerminal() || wait.isZero() || wait.isNegative()) {
                return Uni.createFrom().item(task);
            }
            return Multi.createFrom().ticks().every(LONG_POLL_STEP)
                    .onItem().transformToUniAndConcatenate(tick -> store.find(id))
                    .select().where(found -> found.isEmpty() || found.get().state().isTerminal())
                    .toUni()
                    .ifNoItem().after(wait).recoverWithUni(() -> store.find(id))
                    .map(found -> found.orElseThrow(() -> new ResourceNotFoundException("Task '" + id + "' not found")));
        });
    }

    public Uni<List<Task>> list(String caller, boolean admin, Optional<TaskState> state) {
        return store.list(admin ? Optional.empty() : Optional.of(caller), state);
    }

    /**
     * Cancels a queued task at once, or asks a running one to stop at its next item — on this replica at once, on
     * another as soon as the store tells it (at the latest at its next heartbeat).
     *
     * @throws ConflictException (409) when the task has already ended
     */
    public Uni<Task> cancel(String id, String caller, boolean admin) {
        return get(id, caller, admin).flatMap(task -> {
            if (task.state().isTerminal()) {
                throw new ConflictException("Task '" + id + "' has already ended (" + task.state() + ")");
            }
            return store.requestCancel(id, (t, end, reason) -> ending(t, end, REASON_CANCELLED, null))
                    .map(after -> {
                        Task now = after.orElseThrow(() -> new ResourceNotFoundException("Task '" + id + "' not found"));
                        if (now.state().isTerminal() && now.state() != TaskState.CANCELLED) {
                            throw new ConflictException("Task '" + id + "' has already ended (" + now.state() + ")");
                        }
                        if (now.state() == TaskState.CANCELLED && task.state() != TaskState.CANCELLED) {
                            finished.get(TaskState.CANCELLED).increment();
                        }
                        Running here = local.get(id);
                        if (here != null) {
                            here.stop(REASON_CANCELLED);
                        }
                        return now;
                    });
        });
    }

    /** Tasks evicted: ended more than {@code app.tasks.retention} ago. */
    public Uni<Integer> evictExpired() {
        if (!started) {
            return Uni.createFrom().item(0);
        }
        return store.evictEndedBefore(config.retention());
    }

    void stopAccepting(@Observes ShutdownDelayInitiatedEvent event) {
        accepting = false;
    }

    /**
     * On shutdown: accept and claim nothing more, and give running tasks until {@code quarkus.shutdown.timeout} to
     * finish. Then, with a durable store, the tasks still running go back to the queue for another replica; with
     * the in-memory store they die with the process, so they — and the queued ones — end CANCELLED with reason
     * {@code shutdown}.
     */
    void onStop(@Observes @Priority(SHUTDOWN_PRIORITY) ShutdownEvent event) throws InterruptedException {
        accepting = false;
        claimingEnabled = false;
        if (!local.isEmpty()) {
            LOG.infof("Shutdown: %d task(s) running here; waiting up to %s for them", local.size(), shutdownTimeout);
        }
        awaitLocal(shutdownTimeout);
        if (store.durable()) {
            if (!local.isEmpty()) {
                local.values().forEach(run -> run.stop(STOP_RELEASED));
                int released = store.release(workerId).await().atMost(STOP_GRACE);
                LOG.infof("Shutdown: %d unfinished task(s) released to the queue for another replica", released);
            }
        } else {
            local.values().forEach(run -> run.stop(REASON_SHUTDOWN));
            awaitLocal(STOP_GRACE);
            for (Task left : store.list(Optional.empty(), Optional.empty()).await().atMost(STOP_GRACE)) {
                if (left.state() == TaskState.QUEUED) {
                    store.requestCancel(left.id(), (t, end, reason) -> ending(t, end, REASON_SHUTDOWN, null))
                            .await().atMost(STOP_GRACE);
                } else if (left.state() == TaskState.RUNNING) {
                    // A job that ignores cancellation: record its end ourselves.
                    store.finish(new Lease(left.id(), workerId, left.attempts()),
                            ending(left, TaskState.CANCELLED, REASON_SHUTDOWN, null)).await().atMost(STOP_GRACE);
                }
            }
        }
        timers.shutdownNow();
        workers.shutdown();
    }

    private void awaitLocal(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!local.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** This replica's name in the task store. */
    public String workerId() {
        return workerId;
    }
}
