package dev.modelserving.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.modelserving.problem.IncidentLog;
import dev.modelserving.problem.ShuttingDownException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * Shutdown of the worker pool with the in-memory store, driven directly: a running task gets the shutdown timeout
 * and is then cancelled between items with reason "shutdown"; a queued one is cancelled without running; nothing
 * new is accepted.
 */
class TaskServiceShutdownTest {

    private final Map<String, String> ends = new ConcurrentHashMap<>();
    private final Semaphore gate = new Semaphore(0);

    private static TaskConfig oneWorker() {
        return new TaskConfig() {
            public OptionalInt workers() {
                return OptionalInt.of(1);
            }

            public int queueCapacity() {
                return 10;
            }

            public Duration retention() {
                return Duration.ofHours(1);
            }

            public Duration janitorInterval() {
                return Duration.ofMinutes(1);
            }

            public Duration maxWait() {
                return Duration.ofSeconds(30);
            }

            public Duration lease() {
                return Duration.ofSeconds(30);
            }

            public int maxAttempts() {
                return 3;
            }

            public Duration retryBackoff() {
                return Duration.ofSeconds(1);
            }

            public Duration pollInterval() {
                return Duration.ofMillis(200);
            }

            public Duration sweepInterval() {
                return Duration.ofSeconds(5);
            }

            public Optional<String> workerId() {
                return Optional.of("test-worker");
            }
        };
    }

    /** Gated jobs of 100 items that record how they ended. */
    private final TaskHandler gated = new TaskHandler() {
        public String kind() {
            return "test";
        }

        public TaskJob job(Task task, byte[] input) {
            return new TestJobsResource.GatedJob(task.id(), ByteBuffer.wrap(input).getInt(), gate);
        }

        public TaskWrite ended(Task task, TaskState end, String reason) {
            return (TaskWrite.InMemory) at -> ends.put(task.id(), end + ":" + reason);
        }
    };

    private TaskService service(InMemoryTaskStore store, Duration shutdownTimeout) {
        TaskService service = new TaskService(store, Clock.systemUTC(), List.of(gated), oneWorker(),
                new IncidentLog(), new SimpleMeterRegistry(), shutdownTimeout);
        service.onStart(null);
        return service;
    }

    private static Task submit(TaskService service) {
        byte[] items = ByteBuffer.allocate(4).putInt(100).array();
        return service.submit("test", "u", 100, id -> new TaskService.Submission(items, null, TaskWrite.NONE))
                .await().indefinitely();
    }

    @Test
    void shutdownCancelsWhatDidNotFinishWithReasonShutdown() throws Exception {
        InMemoryTaskStore store = new InMemoryTaskStore(Clock.systemUTC());
        TaskService service = service(store, Duration.ofMillis(500));
        Task running = submit(service);
        Task queued = submit(service);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                store.find(running.id()).await().indefinitely().orElseThrow().state() == TaskState.RUNNING);
        gate.release(3);

        long started = System.nanoTime();
        service.onStop(null);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        Task stopped = store.find(running.id()).await().indefinitely().orElseThrow();
        assertThat(stopped.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(stopped.reason()).isEqualTo("shutdown");
        assertThat(stopped.progress().completed()).isBetween(3, 99);
        assertThat(stopped.error().detail()).contains("shut down");
        Task neverRan = store.find(queued.id()).await().indefinitely().orElseThrow();
        assertThat(neverRan.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(neverRan.reason()).isEqualTo("shutdown");
        assertThat(neverRan.startedAt()).isNull();
        assertThat(ends).containsEntry(running.id(), "CANCELLED:shutdown").containsEntry(queued.id(),
                "CANCELLED:shutdown");
        assertThat(tookMillis).as("the running task got the shutdown timeout").isGreaterThanOrEqualTo(450);

        assertThatThrownBy(() -> submit(service)).isInstanceOf(ShuttingDownException.class);
        assertThat(store.list(Optional.empty(), Optional.empty()).await().indefinitely()).hasSize(2);
    }

    @Test
    void aTaskThatFinishesWithinTheTimeoutSucceeds() throws Exception {
        InMemoryTaskStore store = new InMemoryTaskStore(Clock.systemUTC());
        TaskService service = service(store, Duration.ofSeconds(10));
        Task task = submit(service);
        await().atMost(Duration.ofSeconds(5)).until(() ->
                store.find(task.id()).await().indefinitely().orElseThrow().state() == TaskState.RUNNING);
        new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gate.release(100);
        }).start();
        service.onStop(null);
        assertThat(store.find(task.id()).await().indefinitely().orElseThrow().state())
                .isEqualTo(TaskState.SUCCEEDED);
    }
}
