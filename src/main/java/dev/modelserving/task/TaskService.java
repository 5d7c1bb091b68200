package dev.modelserving.task;

import dev.modelserving.problem.ConflictException;
import dev.modelserving.problem.IncidentLog;
import dev.modelserving.problem.NotFoundException;
import dev.modelserving.problem.Problem;
import dev.modelserving.problem.ProblemType;
import dev.modelserving.problem.QueueFullException;
import dev.modelserving.problem.ShuttingDownException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs background jobs as Mutiny pipelines subscribed on a dedicated, bounded worker pool (never on the event
 * loop), and keeps their state in the {@link TaskStore}. Admission is decided at submission: a task is accepted only
 * if a worker or a queue place is free for it, otherwise 429 and nothing is created.
 */
@ApplicationScoped
public class TaskService {

    /** First among the shutdown observers: tasks end before the prediction log's final flush. */
    static final int SHUTDOWN_PRIORITY = 1_000;
    static final String REASON_SHUTDOWN = "shutdown";
    static final String REASON_CANCELLED = "cancelled";
    private static final Logger LOG = Logger.getLogger(TaskService.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** After the shutdown timeout, how long cancelled jobs get to reach their next item and write their end. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(10);

    private final TaskStore store;
    private final TaskConfig config;
    private final Clock clock;
    private final IncidentLog incidents;
    private final Duration shutdownTimeout;
    private final ThreadPoolExecutor workers;
    /** Worker threads plus queue places: one permit per accepted, unfinished task. */
    private final Semaphore places;
    /** Tasks accepted by this process and not yet ended, with what is needed to stop them. */
    private final Map<String, Running> local = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Map<TaskState, Counter> finished = new EnumMap<>(TaskState.class);
    private final Timer duration;
    private volatile boolean accepting = true;

    private record Running(TaskJob job, Cancellation cancellation) {
    }

    /** Set by a cancel; read by the job between items. */
    private static final class Cancellation {
        private volatile String reason;
    }

    public TaskService(TaskStore store, TaskConfig config, Clock clock, IncidentLog incidents, MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.shutdown.timeout", defaultValue = "30s") Duration shutdownTimeout) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.incidents = incidents;
        this.shutdownTimeout = shutdownTimeout;
        int threads = config.workerCount();
        AtomicInteger number = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "task-worker-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.places = new Semaphore(threads + config.queueCapacity());
        metrics.gauge("tasks.queued", queued);
        metrics.gauge("tasks.running", running);
        for (TaskState state : List.of(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED)) {
            finished.put(state, Counter.builder("tasks.finished").tag("state", state.name())
                    .description("Tasks that ended, by end state").register(metrics));
        }
        this.duration = Timer.builder("tasks.duration").description("Time from start to end of a task")
                .publishPercentileHistogram().register(metrics);
    }

    /**
     * Accepts a task if there is room for it. {@code prepare} is given the new task's id and creates what the job
     * needs (an order, say) before the task is stored; nothing of it happens when there is no room.
     *
     * @throws QueueFullException    (429) when every worker and queue place is taken
     * @throws ShuttingDownException (503) once the service is stopping
     */
    public Uni<Task> submit(String kind, String owner, int total, Function<String, Uni<PreparedJob>> prepare) {
        if (!accepting) {
            return Uni.createFrom().failure(new ShuttingDownException(
                    "The service is shutting down and accepts no new tasks; retry on another replica"));
        }
        if (!places.tryAcquire()) {
            return Uni.createFrom().failure(new QueueFullException("The task queue is full (" + config.queueCapacity()
                    + " waiting); nothing was accepted, retry later", 5));
        }
        String id = UUID.randomUUID().toString();
        return Uni.createFrom().deferred(() -> prepare.apply(id))
                .flatMap(prepared -> {
                    Task task = Task.queued(id, kind, owner, total, prepared.result(), now());
                    return store.insert(task).map(ignored -> {
                        schedule(task, prepared.job());
                        return task;
                    });
                })
                .onFailure().invoke(failure -> places.release());
    }

    /** What {@code prepare} hands back: the job to run and where its product will be. */
    public record PreparedJob(TaskJob job, Task.Result result) {
    }

    private void schedule(Task task, TaskJob job) {
        Cancellation cancellation = new Cancellation();
        local.put(task.id(), new Running(job, cancellation));
        queued.incrementAndGet();
        TaskControl control = new TaskControl() {
            @Override
            public String taskId() {
                return task.id();
            }

            @Override
            public void progressed(int completed) {
                store.progress(task.id(), completed).subscribe().with(ignored -> { }, failure -> LOG.warnf(
                        "progress of task %s not recorded: %s", task.id(), failure.getMessage()));
            }

            @Override
            public void stopIfCancelled() {
                String reason = cancellation.reason;
                if (reason != null) {
                    throw new TaskCancelledException(reason);
                }
            }
        };
        Uni.createFrom().deferred(() -> {
            queued.decrementAndGet();
            String early = accepting ? cancellation.reason : REASON_SHUTDOWN;
            if (early != null) {
                return end(task.id(), job, TaskState.CANCELLED, early, null);
            }
            return store.start(task.id(), now()).flatMap(started -> started.isEmpty()
                    ? endWithoutRunning(task.id(), job) // cancelled while it waited
                    : runStarted(task, job, control));
        })
                .runSubscriptionOn(workers)
                .onTermination().invoke(() -> {
                    local.remove(task.id());
                    places.release();
                })
                .subscribe().with(ignored -> { }, failure -> incidents.record(failure, "task " + task.id()));
    }

    private Uni<Void> runStarted(Task task, TaskJob job, TaskControl control) {
        running.incrementAndGet();
        long started = System.nanoTime();
        return Uni.createFrom().deferred(() -> job.run(control))
                .flatMap(ignored -> store.finish(task.id(), TaskState.SUCCEEDED, null, null, now()))
                .invoke(ended -> ended.ifPresent(t -> finished.get(TaskState.SUCCEEDED).increment()))
                .replaceWithVoid()
                .onFailure(TaskCancelledException.class).recoverWithUni(cancelled -> end(task.id(), job,
                        TaskState.CANCELLED, ((TaskCancelledException) cancelled).reason(), null))
                .onFailure().recoverWithUni(failure -> end(task.id(), job, TaskState.FAILED, "failed", failure))
                .onTermination().invoke(() -> {
                    running.decrementAndGet();
                    duration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                });
    }

    /** The store already ended the task (a cancel of a queued task): let the job say so too. */
    private Uni<Void> endWithoutRunning(String id, TaskJob job) {
        return store.find(id).flatMap(task -> job.ended(task.map(Task::state).orElse(TaskState.CANCELLED),
                task.map(Task::reason).orElse(REASON_CANCELLED)));
    }

    private Uni<Void> end(String id, TaskJob job, TaskState state, String reason, Throwable failure) {
        Problem error = problemFor(id, state, reason, failure);
        return store.finish(id, state, error, reason, now())
                .invoke(ended -> ended.ifPresent(t -> finished.get(state).increment()))
                .flatMap(ignored -> job.ended(state, reason));
    }

    private Problem problemFor(String id, TaskState state, String reason, Throwable failure) {
        String instance = "/tasks/" + id;
        if (state == TaskState.CANCELLED) {
            // A cancel its owner asked for is no error: the state and reason say it all. A shutdown is one.
            return REASON_SHUTDOWN.equals(reason)
                    ? Problem.of(ProblemType.SERVICE_UNAVAILABLE,
                            "The task was cancelled because the service shut down before it finished", instance)
                    : null;
        }
        if (failure instanceof dev.modelserving.problem.ProblemException problem) {
            return Problem.of(problem.type(), problem.getMessage(), instance);
        }
        String incident = incidents.record(failure, "task " + id);
        return Problem.of(ProblemType.INTERNAL_ERROR, "The task failed unexpectedly; quote incident " + incident,
                instance).withIncident(incident);
    }

    /** The task if the caller may see it (its owner, or an admin); otherwise 404, so its existence does not leak. */
    public Uni<Task> get(String id, String caller, boolean admin) {
        return store.find(id).map(found -> found
                .filter(task -> admin || task.owner().equals(caller))
                .orElseThrow(() -> new NotFoundException("Task '" + id + "' not found")));
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
            return Multi.createFrom().ticks().every(POLL)
                    .onItem().transformToUniAndConcatenate(tick -> store.find(id))
                    .select().where(found -> found.isEmpty() || found.get().state().isTerminal())
                    .toUni()
                    .ifNoItem().after(wait).recoverWithUni(() -> store.find(id))
                    .map(found -> found.orElseThrow(() -> new NotFoundException("Task '" + id + "' not found")));
        });
    }

    public Uni<List<Task>> list(String caller, boolean admin, Optional<TaskState> state) {
        return store.list(admin ? Optional.empty() : Optional.of(caller), state);
    }

    /**
     * Cancels a queued task at once, or asks a running one to stop at its next item.
     *
     * @throws ConflictException (409) when the task has already ended
     */
    public Uni<Task> cancel(String id, String caller, boolean admin) {
        return get(id, caller, admin).flatMap(task -> {
            if (task.state().isTerminal()) {
                throw new ConflictException("Task '" + id + "' has already ended (" + task.state() + ")");
            }
            Running here = local.get(id);
            if (here != null) {
                here.cancellation().reason = REASON_CANCELLED;
            }
            Problem error = problemFor(id, TaskState.CANCELLED, REASON_CANCELLED, null);
            return store.requestCancel(id, error, REASON_CANCELLED, now()).flatMap(after -> {
                Task now = after.orElseThrow(() -> new NotFoundException("Task '" + id + "' not found"));
                if (now.state().isTerminal() && now.state() != TaskState.CANCELLED) {
                    throw new ConflictException("Task '" + id + "' has already ended (" + now.state() + ")");
                }
                if (now.state() == TaskState.CANCELLED && here != null) {
                    // Cancelled while queued: the job never runs, so let it record its end now, not when a worker
                    // reaches it in the queue.
                    return here.job().ended(TaskState.CANCELLED, REASON_CANCELLED).replaceWith(now);
                }
                return Uni.createFrom().item(now);
            });
        });
    }

    /** Tasks evicted: ended before {@code now - retention}. */
    public Uni<Integer> evictExpired() {
        return store.evictFinishedBefore(now().minus(config.retention()));
    }

    void stopAccepting(@Observes ShutdownDelayInitiatedEvent event) {
        accepting = false;
    }

    /**
     * On shutdown: accept nothing more, give running tasks until {@code quarkus.shutdown.timeout} to finish, and
     * end the rest CANCELLED with reason {@code shutdown} (queued ones at once, running ones at their next item).
     */
    void onStop(@Observes @Priority(SHUTDOWN_PRIORITY) ShutdownEvent event) throws InterruptedException {
        accepting = false;
        workers.shutdown();
        if (!local.isEmpty()) {
            LOG.infof("Shutdown: %d task(s) not finished; waiting up to %s for running ones", local.size(),
                    shutdownTimeout);
        }
        if (!workers.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            local.values().forEach(task -> task.cancellation().reason = REASON_SHUTDOWN);
            workers.awaitTermination(CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        for (Map.Entry<String, Running> left : local.entrySet()) {
            // Still not ended (a job that ignores cancellation): record the end ourselves.
            end(left.getKey(), left.getValue().job(), TaskState.CANCELLED, REASON_SHUTDOWN, null)
                    .await().atMost(CANCEL_GRACE);
        }
    }

    private Instant now() {
        return Instant.now(clock);
    }
}
