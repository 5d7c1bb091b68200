package dev.modelserving.task;

import dev.modelserving.problem.ConflictException;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.Problem;
import dev.modelserving.problem.ResourceNotFoundException;
import dev.modelserving.problem.ShuttingDownException;
import dev.modelserving.store.Page;
import dev.modelserving.user.Caller;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Background tasks as the resources and the features see them: submit, look up (or long-poll), list, cancel and evict.
 * A submitted task is stored with its input in the {@link TaskStore}; the {@link TaskWorker} of some replica runs it.
 */
@ApplicationScoped
public class TaskService {

    private static final Duration LONG_POLL_STEP = Duration.ofMillis(100);

    private final TaskStore store;
    private final Clock clock;
    private final TaskConfig config;
    private final TaskEndings endings;
    private final TaskMetrics metrics;
    private final TaskWorker worker;
    private volatile boolean accepting = true;

    public TaskService(TaskStore store, Clock clock, TaskConfig config, TaskEndings endings, TaskMetrics metrics,
            TaskWorker worker) {
        this.store = store;
        this.clock = clock;
        this.config = config;
        this.endings = endings;
        this.metrics = metrics;
        this.worker = worker;
    }

    /**
     * Accepts a task if the queue has room. {@code prepare} is given the new task's id and returns its input and what
     * is stored with it (an order); all of it is committed before this emits, so any replica can run it.
     *
     * @throws QueueFullException (429) when the unfinished tasks fill every worker and queue place
     * @throws ShuttingDownException (503) once the service is stopping
     */
    public Uni<Task> submit(String kind, String owner, int total, Function<String, Submission> prepare) {
        if (!accepting) {
            return Uni.createFrom().failure(new ShuttingDownException(
                    "The service is shutting down and accepts no new tasks; retry on another replica"));
        }
        return store.counts().flatMap(counts -> {
            metrics.queued(counts.queued());
            if (counts.queued() + counts.running() >= config.queueCapacity() + Math.max(1, config.workerCount())) {
                throw new QueueFullException("The task queue is full (" + counts.queued()
                        + " waiting); nothing was accepted, retry later", 5);
            }
            String id = UUID.randomUUID().toString();
            Submission submission = prepare.apply(id);
            Task task = Task.queued(id, kind, owner, total, submission.result(), config.maxAttempts(),
                    Instant.now(clock));
            return store.enqueue(task, submission.input(), submission.alongside()).replaceWith(task);
        }).invoke(task -> {
            metrics.enqueued();
            worker.wake();
        });
    }

    /** What a new task is made of: its stored input, where its product will be, and what is stored with it. */
    public record Submission(byte[] input, Task.Result result, TaskWrite alongside) {
    }

    /** The task if the caller may see it ({@link Caller#mayAccess}); otherwise 404. */
    public Uni<Task> get(String id, Caller caller) {
        return store.find(id).map(found -> found
                .filter(task -> caller.mayAccess(task.owner()))
                .orElseThrow(() -> notFound(id)));
    }

    /**
     * Like {@link #get}, but waits up to {@code waitSeconds} for the task to end, checking every 100 ms, so that a
     * client can long-poll instead of polling.
     *
     * @throws InvalidRequestException (400) when the wait is negative or longer than {@code app.tasks.max-wait}
     */
    public Uni<Task> await(String id, Caller caller, int waitSeconds) {
        Duration wait = checkedWait(waitSeconds, config.maxWait());
        return get(id, caller).flatMap(task -> {
            if (task.state().isTerminal() || wait.isZero() || wait.isNegative()) {
                return Uni.createFrom().item(task);
            }
            return Multi.createFrom().ticks().every(LONG_POLL_STEP)
                    .onItem().transformToUniAndConcatenate(tick -> store.find(id))
                    .select().where(found -> found.isEmpty() || found.get().state().isTerminal())
                    .toUni()
                    .ifNoItem().after(wait).recoverWithUni(() -> store.find(id))
                    .map(found -> found.orElseThrow(() -> notFound(id)));
        });
    }

    /** The wait a client asked for, if it is between 0 and {@code max}; the one check of {@code ?wait=}. */
    static Duration checkedWait(int seconds, Duration max) {
        if (seconds < 0 || seconds > max.toSeconds()) {
            String detail = "must be between 0 and " + max.toSeconds();
            throw new InvalidRequestException("wait " + detail + " seconds",
                    List.of(Problem.FieldError.atParameter("wait", detail)));
        }
        return Duration.ofSeconds(seconds);
    }

    /** One page of the caller's tasks (every task for an admin), newest first, optionally of one state. */
    public Uni<Page<Task>> list(Caller caller, Optional<TaskState> state, int page, int size) {
        return store.list(caller.admin() ? Optional.empty() : Optional.of(caller.name()), state, page, size);
    }

    /**
     * Cancels a queued task at once, or asks a running one to stop at its next item — on this replica at once, on
     * another as soon as the store tells it (at the latest at its next heartbeat).
     *
     * @throws ConflictException (409) when the task has already ended
     */
    public Uni<Task> cancel(String id, Caller caller) {
        return get(id, caller).flatMap(task -> {
            if (task.state().isTerminal()) {
                throw alreadyEnded(id, task.state());
            }
            return store.requestCancel(id, (t, end, reason) -> endings.of(t, end, TaskEndings.REASON_CANCELLED))
                    .map(after -> {
                        Task now = after.orElseThrow(() -> notFound(id));
                        if (now.state().isTerminal() && now.state() != TaskState.CANCELLED) {
                            throw alreadyEnded(id, now.state());
                        }
                        if (now.state() == TaskState.CANCELLED && task.state() != TaskState.CANCELLED) {
                            metrics.ended(now);
                        }
                        worker.cancelled(id);
                        return now;
                    });
        });
    }

    /** From now on a submission is refused with 503: the service is stopping. */
    public void stopAccepting() {
        accepting = false;
    }

    private static ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException("Task '" + id + "' not found");
    }

    private static ConflictException alreadyEnded(String id, TaskState state) {
        return new ConflictException("Task '" + id + "' has already ended (" + state + ")");
    }
}
