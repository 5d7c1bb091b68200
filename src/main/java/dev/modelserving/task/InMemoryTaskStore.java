package dev.modelserving.task;

import dev.modelserving.problem.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The embedded default: tasks live as long as the process. Every transition is one atomic map operation. */
@ApplicationScoped
public class InMemoryTaskStore implements TaskStore {

    private final ConcurrentHashMap<String, Task> tasks = new ConcurrentHashMap<>();

    @Override
    public Uni<Void> insert(Task task) {
        return Uni.createFrom().item(() -> {
            if (tasks.putIfAbsent(task.id(), task) != null) {
                throw new IllegalStateException("task " + task.id() + " exists already");
            }
            return null;
        });
    }

    @Override
    public Uni<Optional<Task>> find(String id) {
        return Uni.createFrom().item(() -> Optional.ofNullable(tasks.get(id)));
    }

    @Override
    public Uni<List<Task>> list(Optional<String> owner, Optional<TaskState> state) {
        return Uni.createFrom().item(() -> tasks.values().stream()
                .filter(t -> owner.isEmpty() || owner.get().equals(t.owner()))
                .filter(t -> state.isEmpty() || state.get() == t.state())
                .sorted(Comparator.comparing(Task::submittedAt).reversed().thenComparing(Task::id))
                .toList());
    }

    @Override
    public Uni<Optional<Task>> start(String id, Instant at) {
        return change(id, task -> task.state() == TaskState.QUEUED ? task.started(at) : null);
    }

    @Override
    public Uni<Void> progress(String id, int completed) {
        return change(id, task -> task.state() == TaskState.RUNNING ? task.withProgress(completed) : null)
                .replaceWithVoid();
    }

    @Override
    public Uni<Optional<Task>> finish(String id, TaskState end, Problem error, String reason, Instant at) {
        return change(id, task -> task.state().isTerminal() ? null : task.finished(end, error, reason, at));
    }

    @Override
    public Uni<Optional<Task>> requestCancel(String id, Problem error, String reason, Instant at) {
        return Uni.createFrom().item(() -> Optional.ofNullable(tasks.computeIfPresent(id, (key, task) -> switch (
                task.state()) {
            case QUEUED -> task.finished(TaskState.CANCELLED, error, reason, at);
            case RUNNING -> task.withCancelRequested();
            default -> task;
        })));
    }

    @Override
    public Uni<Integer> evictFinishedBefore(Instant cutoff) {
        return Uni.createFrom().item(() -> {
            int before = tasks.size();
            tasks.values().removeIf(t -> t.state().isTerminal() && t.finishedAt() != null
                    && t.finishedAt().isBefore(cutoff));
            return Math.max(0, before - tasks.size());
        });
    }

    /** Applies {@code update} atomically; it returns null for "not applicable". Emits the new task if changed. */
    private Uni<Optional<Task>> change(String id, java.util.function.UnaryOperator<Task> update) {
        return Uni.createFrom().item(() -> {
            AtomicReference<Task> changed = new AtomicReference<>();
            tasks.computeIfPresent(id, (key, task) -> {
                Task next = update.apply(task);
                if (next == null) {
                    return task;
                }
                changed.set(next);
                return next;
            });
            return Optional.ofNullable(changed.get());
        });
    }
}
