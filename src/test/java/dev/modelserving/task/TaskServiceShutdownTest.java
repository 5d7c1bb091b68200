package dev.modelserving.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.modelserving.problem.IncidentLog;
import dev.modelserving.problem.ShuttingDownException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * Shutdown of the worker pool, driven directly: a running task gets the shutdown timeout and is then cancelled
 * between items with reason "shutdown"; a queued one is cancelled without running; nothing new is accepted.
 */
class TaskServiceShutdownTest {

    private final Map<String, String> ends = new ConcurrentHashMap<>();

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
        };
    }

    private TaskService.PreparedJob gated(String id, Semaphore gate) {
        TaskJob inner = new TestJobsResource.GatedJob(id, 100, gate);
        return new TaskService.PreparedJob(new TaskJob() {
            @Override
            public Uni<Void> run(TaskControl control) {
                return inner.run(control);
            }

            @Override
            public Uni<Void> ended(TaskState end, String reason) {
                ends.put(id, end + ":" + reason);
                return Uni.createFrom().voidItem();
            }
        }, null);
    }

    @Test
    void shutdownCancelsWhatDidNotFinishWithReasonShutdown() throws Exception {
        InMemoryTaskStore store = new InMemoryTaskStore();
        TaskService service = new TaskService(store, oneWorker(), Clock.systemUTC(), new IncidentLog(),
                new SimpleMeterRegistry(), Duration.ofMillis(500));
        Semaphore gate = new Semaphore(0);
        Task running = service.submit("test", "u", 100, id -> Uni.createFrom().item(gated(id, gate)))
                .await().indefinitely();
        Task queued = service.submit("test", "u", 100, id -> Uni.createFrom().item(gated(id, gate)))
                .await().indefinitely();
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

        assertThatThrownBy(() -> service.submit("test", "u", 1, id -> Uni.createFrom().item(gated(id, gate)))
                .await().indefinitely()).isInstanceOf(ShuttingDownException.class);
        assertThat(store.list(Optional.empty(), Optional.empty()).await().indefinitely()).hasSize(2);
    }

    @Test
    void aTaskThatFinishesWithinTheTimeoutSucceeds() throws Exception {
        InMemoryTaskStore store = new InMemoryTaskStore();
        TaskService service = new TaskService(store, oneWorker(), Clock.systemUTC(), new IncidentLog(),
                new SimpleMeterRegistry(), Duration.ofSeconds(10));
        Semaphore gate = new Semaphore(0);
        Task task = service.submit("test", "u", 100, id -> Uni.createFrom().item(gated(id, gate)))
                .await().indefinitely();
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
