package dev.modelserving.task;

import dev.modelserving.store.EndedQueue;
import dev.modelserving.store.Page;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The embedded default: tasks live as long as the process. Every transition is one atomic map operation, and the write
 * that goes with it is applied inside it. Queued and running tasks are also indexed, so that claims, counts and sweeps
 * do not walk the ended tasks kept for their retention.
 * <p>
 * Memory is bounded whatever the submission rate: a task's input is dropped the moment the task ends; the inputs of
 * unfinished tasks may take {@code app.tasks.max-input-memory} at most (a submission beyond it is refused with 429);
 * and at most {@code app.tasks.max-ended} ended tasks are kept, the oldest ended evicted first, besides the retention.
 */
@ApplicationScoped
@Typed(InMemoryTaskStore.class)
public class InMemoryTaskStore implements TaskStore {

    private final ConcurrentHashMap<String, Entry> tasks = new ConcurrentHashMap<>();
    private final TaskIndex index = new TaskIndex();
    private final EndedQueue ended;
    private final Clock clock;
    private final long maxInputBytes;

    /**
     * A task with what only the store needs: its input (null once ended: nothing needs it then), when it may run, and
     * until when it is leased.
     */
    private record Entry(Task task, byte[] input, Instant runAt, Instant leaseUntil) {

        Entry with(Task next) {
            return new Entry(next, next.state().isTerminal() ? null : input, runAt,
                    next.state() == TaskState.RUNNING ? leaseUntil : null);
        }

        int inputSize() {
            return input == null ? 0 : input.length;
        }
    }

    public InMemoryTaskStore(Clock clock, TaskConfig config, MeterRegistry metrics) {
        this.clock = clock;
        this.maxInputBytes = config.maxInputMemory().asLongValue();
        this.ended = new EndedQueue("tasks", "app.tasks.max-ended", config.maxEnded(), metrics);
        metrics.gauge("tasks.input.bytes", index.inputBytes());
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public Uni<Void> enqueue(Task task, byte[] input, TaskWrite alongside) {
        return Uni.createFrom().item(() -> {
            long held = index.inputBytes().get();
            if (held > 0 && held + input.length > maxInputBytes) {
                throw new QueueFullException("The task queue holds " + held / 1024 + " KiB of inputs, its limit in "
                        + "memory; nothing was accepted, retry later", 5);
            }
            tasks.compute(task.id(), (id, existing) -> {
                if (existing != null) {
                    throw new IllegalStateException("task " + id + " exists already");
                }
                apply(alongside, now());
                Entry created = new Entry(task, input, task.submittedAt(), null);
                index.changed(null, 0, created.task(), created.inputSize());
                return created;
            });
            return null;
        });
    }

    @Override
    public Uni<Optional<Task>> find(String id) {
        return Uni.createFrom().item(() -> Optional.ofNullable(tasks.get(id)).map(Entry::task));
    }

    @Override
    public Uni<Page<Task>> list(Optional<String> owner, Optional<TaskState> state, int page, int size) {
        return Uni.createFrom().item(() -> Page.slice(tasks.values().stream().map(Entry::task)
                .filter(t -> owner.isEmpty() || owner.get().equals(t.owner()))
                .filter(t -> state.isEmpty() || state.get() == t.state())
                .sorted(Comparator.comparing(Task::submittedAt).reversed().thenComparing(Task::id))
                .toList(), page, size));
    }

    @Override
    public Uni<Counts> counts() {
        return Uni.createFrom().item(() -> index.counts());
    }

    @Override
    public Uni<List<Claim>> claim(String worker, int max, Duration lease) {
        return Uni.createFrom().item(() -> {
            Instant now = now();
            List<Claim> claimed = new ArrayList<>();
            for (String candidate : index.queued()) {
                if (claimed.size() == max) {
                    break;
                }
                Entry taken = change(candidate, e -> e.task().state() == TaskState.QUEUED
                        && !e.runAt().isAfter(now)
                                ? new Entry(e.task().claimed(worker, now), e.input(), e.runAt(), now.plus(lease))
                                : null);
                if (taken != null) {
                    claimed.add(new Claim(taken.task(), taken.input()));
                }
            }
            return claimed;
        });
    }

    @Override
    public Uni<Optional<Boolean>> heartbeat(Lease lease, Duration extension) {
        return Uni.createFrom().item(() -> Optional.ofNullable(change(lease.taskId(), e -> e.task().heldBy(lease)
                ? new Entry(e.task(), e.input(), e.runAt(), now().plus(extension))
                : null))
                .map(e -> e.task().cancelRequested()));
    }

    @Override
    public Uni<Void> progress(Lease lease, int completed) {
        return Uni.createFrom().item(() -> {
            change(lease.taskId(), e -> e.task().heldBy(lease) ? e.with(e.task().withProgress(completed)) : null);
            return null;
        });
    }

    @Override
    public Uni<Optional<Task>> finish(Lease lease, Ending ending, Ending ifCancelRequested) {
        return Uni.createFrom().item(() -> Optional.ofNullable(change(lease.taskId(), e -> {
            if (!e.task().heldBy(lease)) {
                return null;
            }
            Instant now = now();
            Ending applied = e.task().cancelRequested() ? ifCancelRequested : ending;
            apply(applied.write(), now);
            return e.with(e.task().finished(applied.state(), applied.error(), applied.reason(), now));
        })).map(Entry::task));
    }

    @Override
    public Uni<Optional<Task>> requestCancel(String id, Endings endings) {
        return Uni.createFrom().item(() -> {
            AtomicReference<Task> after = new AtomicReference<>();
            AtomicBoolean endedNow = new AtomicBoolean();
            tasks.computeIfPresent(id, (key, e) -> {
                endedNow.set(e.task().state() == TaskState.QUEUED); // a queued task ends CANCELLED at once
                Entry next = switch (e.task().state()) {
                    case QUEUED -> {
                        Instant now = now();
                        Ending ending = endings.of(e.task(), TaskState.CANCELLED, TaskEndings.REASON_CANCELLED);
                        apply(ending.write(), now);
                        yield e.with(e.task().finished(TaskState.CANCELLED, ending.error(), ending.reason(), now));
                    }
                    case RUNNING -> e.with(e.task().withCancelRequested());
                    default -> e;
                };
                index.changed(e.task(), e.inputSize(), next.task(), next.inputSize());
                after.set(next.task());
                return next;
            });
            if (endedNow.get()) {
                recordEnded(after.get());
            }
            return Optional.ofNullable(after.get());
        });
    }

    @Override
    public Uni<List<Task>> rescueExpired(Duration backoff, Endings endings) {
        return Uni.createFrom().item(() -> {
            Instant now = now();
            List<Task> moved = new ArrayList<>();
            for (String id : index.running()) {
                Entry next = change(id, e -> {
                    if (e.task().state() != TaskState.RUNNING || !e.leaseUntil().isBefore(now)) {
                        return null;
                    }
                    Task task = e.task();
                    TaskState end = TaskEndings.afterLostWorker(task);
                    if (end == TaskState.QUEUED) {
                        return new Entry(task.requeued(TaskEndings.lostWorker(task), true), e.input(),
                                now.plus(TaskEndings.backoff(backoff, task.attempts())), null);
                    }
                    Ending ending = endings.of(task, end, TaskEndings.reasonAfterLostWorker(end));
                    apply(ending.write(), now);
                    return e.with(task.finished(end, ending.error(), ending.reason(), now));
                });
                if (next != null) {
                    moved.add(next.task());
                }
            }
            return moved;
        });
    }

    @Override
    public Uni<Integer> release(String worker) {
        return Uni.createFrom().item(() -> {
            int released = 0;
            for (String id : index.running()) {
                if (change(id, e -> worker.equals(e.task().worker()) && e.task().state() == TaskState.RUNNING
                        ? new Entry(e.task().requeued(e.task().error(), false), e.input(), now(), null)
                        : null) != null) {
                    released++;
                }
            }
            return released;
        });
    }

    @Override
    public Uni<Integer> evictEndedBefore(Duration retention) {
        return Uni.createFrom().item(() -> ended.evictEndedBefore(now().minus(retention), this::evict));
    }

    @Override
    public Uni<Long> inputBytes() {
        return Uni.createFrom().item(index.inputBytes()::get);
    }

    private void recordEnded(Task task) {
        ended.ended(task.id(), 1, task.finishedAt(), this::evict);
    }

    /** Ended tasks never change again, so whatever the queue hands back is still ended. */
    private boolean evict(String id) {
        return tasks.remove(id) != null;
    }

    /** Applies {@code update} atomically; it returns null for "not applicable". Returns the new entry if changed. */
    private Entry change(String id, UnaryOperator<Entry> update) {
        AtomicReference<Entry> changed = new AtomicReference<>();
        AtomicBoolean endedNow = new AtomicBoolean();
        tasks.computeIfPresent(id, (key, entry) -> {
            Entry next = update.apply(entry);
            if (next == null) {
                return entry;
            }
            index.changed(entry.task(), entry.inputSize(), next.task(), next.inputSize());
            endedNow.set(!entry.task().state().isTerminal() && next.task().state().isTerminal());
            changed.set(next);
            return next;
        });
        // Outside the map operation: recording may evict other tasks from the same map.
        if (endedNow.get()) {
            recordEnded(changed.get().task());
        }
        return changed.get();
    }

    private static void apply(TaskWrite write, Instant at) {
        if (write instanceof TaskWrite.InMemory inMemory) {
            inMemory.apply(at);
        } else if (write != TaskWrite.NONE) {
            throw new IllegalArgumentException("the in-memory task store cannot apply " + write.getClass());
        }
    }

    private Instant now() {
        return Instant.now(clock);
    }
}
