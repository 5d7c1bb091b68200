package dev.modelserving.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.modelserving.problem.IncidentLog;
import dev.modelserving.problem.ShuttingDownException;
import dev.modelserving.store.StoreConfig;
import dev.modelserving.support.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * Shutdown of a task service, driven directly on the store {@code app.store} selects (the suite runs on both). A
 * running task gets the shutdown timeout. Then, with the in-memory store, it is cancelled between items with reason
 * "shutdown" and a queued one is cancelled without running; with PostgreSQL both stay for another replica — the running
 * one back in the queue, its attempt not counted. Nothing new is accepted.
 */
@QuarkusTest
@TestProfile(TaskStoreContractTest.StoreOnly.class)
class TaskServiceShutdownTest {

    @Inject
    TaskStore store;

    @Inject
    StoreConfig stores;

    private final Map<String, String> ends = new ConcurrentHashMap<>();
    private final Semaphore gate = new Semaphore(0);
    /** A kind of its own, so that no other test's task is taken for one of these. */
    private final String kind = "shutdown-test-" + UUID.randomUUID();

    private static TaskConfig oneWorker() {
        return TestConfigs.mapping(TaskConfig.class, Map.of("app.tasks.workers", "1", "app.tasks.queue-capacity", "10",
                "app.tasks.retry-backoff", "1s", "app.tasks.poll-interval", "200ms", "app.tasks.worker-id",
                "test-worker"));
    }

    /** Gated jobs of 100 items that record how they ended. */
    private final TaskHandler gated = new TaskHandler() {
        public String kind() {
            return kind;
        }

        public TaskJob job(Task task, byte[] input) {
            return new TestJobsResource.GatedJob(task.id(), ByteBuffer.wrap(input).getInt(), gate);
        }

        public TaskWrite ended(Task task, TaskState end, String reason) {
            return SideEffectWrites.of(stores.postgres(), () -> ends.put(task.id(), end + ":" + reason));
        }
    };

    /** A replica's tasks: its service and its worker, stopped in the order the application stops them. */
    private record Replica(TaskService service, TaskWorker worker) {
        void stop() throws InterruptedException {
            service.stopAccepting();
            worker.stop();
        }
    }

    private Replica service(Duration shutdownTimeout) {
        TaskConfig config = oneWorker();
        TaskEndings endings = new TaskEndings(List.of(gated), new IncidentLog());
        TaskMetrics metrics = new TaskMetrics(new SimpleMeterRegistry());
        TaskWorker worker = new TaskWorker(store, config, endings, metrics, new IncidentLog(), shutdownTimeout);
        worker.start();
        return new Replica(new TaskService(store, Clock.systemUTC(), config, endings, metrics, worker), worker);
    }

    private Task submit(Replica replica) {
        byte[] items = ByteBuffer.allocate(4).putInt(100).array();
        return replica.service().submit(kind, "u", 100, id -> new TaskService.Submission(items, null, TaskWrite.NONE))
                .await().indefinitely();
    }

    @Test
    void whatDidNotFinishIsCancelledInMemoryAndHandedBackWithPostgres() throws Exception {
        Replica service = service(Duration.ofMillis(500));
        Task running = submit(service);
        Task queued = submit(service);
        await().atMost(Duration.ofSeconds(5)).until(() -> find(running).state() == TaskState.RUNNING);
        gate.release(3);

        long started = System.nanoTime();
        service.stop();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMillis).as("the running task got the shutdown timeout").isGreaterThanOrEqualTo(450);

        Task stopped = find(running);
        Task neverRan = find(queued);
        assertThat(neverRan.startedAt()).isNull();
        if (store.durable()) {
            assertThat(stopped.state()).isEqualTo(TaskState.QUEUED);
            assertThat(stopped.attempts()).as("a release is not a failed attempt").isZero();
            assertThat(stopped.worker()).isNull();
            assertThat(neverRan.state()).isEqualTo(TaskState.QUEUED);
            assertThat(ends).isEmpty();
        } else {
            assertThat(stopped.state()).isEqualTo(TaskState.CANCELLED);
            assertThat(stopped.reason()).isEqualTo("shutdown");
            assertThat(stopped.progress().completed()).isBetween(3, 99);
            assertThat(stopped.error().detail()).contains("shut down");
            assertThat(neverRan.state()).isEqualTo(TaskState.CANCELLED);
            assertThat(neverRan.reason()).isEqualTo("shutdown");
            assertThat(ends).containsEntry(running.id(), "CANCELLED:shutdown").containsEntry(queued.id(),
                    "CANCELLED:shutdown");
        }
        assertThatThrownBy(() -> submit(service)).isInstanceOf(ShuttingDownException.class);
        assertThat(store.list(Optional.of("u"), Optional.empty(), 0, 200).await().indefinitely().items())
                .filteredOn(t -> t.kind().equals(kind)).hasSize(2);
        if (store.durable()) {
            // Another replica takes the handed-back task and finishes it: its first counted attempt.
            Replica next = service(Duration.ofSeconds(10));
            gate.release(1_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> find(running).state() == TaskState.SUCCEEDED);
            assertThat(find(running).attempts()).isEqualTo(1);
            next.stop();
        }
    }

    private Task find(Task task) {
        return store.find(task.id()).await().indefinitely().orElseThrow();
    }

    @Test
    void aTaskThatFinishesWithinTheTimeoutSucceeds() throws Exception {
        Replica service = service(Duration.ofSeconds(10));
        Task task = submit(service);
        await().atMost(Duration.ofSeconds(5)).until(() -> find(task).state() == TaskState.RUNNING);
        new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gate.release(100);
        }).start();
        service.stop();
        assertThat(find(task).state()).isEqualTo(TaskState.SUCCEEDED);
    }
}
