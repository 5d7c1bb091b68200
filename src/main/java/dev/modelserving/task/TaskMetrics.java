package dev.modelserving.task;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The task meters: {@code tasks_queued} and {@code tasks_running} (this replica's view), {@code tasks_finished} by end
 * state, and {@code tasks_duration} from start to end of a job.
 */
@ApplicationScoped
public class TaskMetrics {

    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Map<TaskState, Counter> finished = new EnumMap<>(TaskState.class);
    private final Timer duration;

    public TaskMetrics(MeterRegistry metrics) {
        metrics.gauge("tasks.queued", queued);
        metrics.gauge("tasks.running", running);
        for (TaskState state : List.of(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED)) {
            finished.put(state, Counter.builder("tasks.finished").tag("state", state.name())
                    .description("Tasks that ended, by end state").register(metrics));
        }
        this.duration = Timer.builder("tasks.duration").description("Time from start to end of a task")
                .publishPercentileHistogram().register(metrics);
    }

    /** The store's count of queued tasks, as last read. */
    void queued(int count) {
        queued.set(count);
    }

    void enqueued() {
        queued.incrementAndGet();
    }

    /** Counts an end; a task that is not terminal (a rescued one back in the queue) counts nothing. */
    void ended(Task task) {
        if (task.state().isTerminal()) {
            finished.get(task.state()).increment();
        }
    }

    void ended(Optional<Task> task) {
        task.ifPresent(this::ended);
    }

    /** A job starts running here; returns the start time to hand to {@link #jobStopped}. */
    long jobStarted() {
        running.incrementAndGet();
        return System.nanoTime();
    }

    void jobStopped(long startedNanos) {
        running.decrementAndGet();
        duration.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }
}
