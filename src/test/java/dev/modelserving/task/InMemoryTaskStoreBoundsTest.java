package dev.modelserving.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.support.MutableClock;
import dev.modelserving.support.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What keeps the in-memory task store's memory bounded whatever the submission rate. */
class InMemoryTaskStoreBoundsTest {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final TaskStore.Endings ENDINGS = (task, end, reason) -> new TaskStore.Ending(end, null, reason,
            TaskWrite.NONE);

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    private InMemoryTaskStore store(Map<String, String> settings) {
        return new InMemoryTaskStore(clock, TestConfigs.mapping(TaskConfig.class, settings), metrics);
    }

    private Task enqueue(InMemoryTaskStore store, int inputBytes) {
        Task task = Task.queued(UUID.randomUUID().toString(), "bounds", "owner", 1, null, 3, clock.instant());
        store.enqueue(task, new byte[inputBytes], TaskWrite.NONE).await().indefinitely();
        return task;
    }

    private static void runToEnd(InMemoryTaskStore store, Task task) {
        for (TaskStore.Claim claim : store.claim("w", 100, LEASE).await().indefinitely()) {
            store.finish(claim.lease(), new TaskStore.Ending(TaskState.SUCCEEDED, null, null, TaskWrite.NONE))
                    .await().indefinitely();
        }
        assertThat(store.find(task.id()).await().indefinitely()).hasValueSatisfying(
                ended -> assertThat(ended.state().isTerminal()).isTrue());
    }

    private long inputBytes(InMemoryTaskStore store) {
        return store.inputBytes().await().indefinitely();
    }

    @Test
    void everyWayOfEndingReleasesTheInput() {
        InMemoryTaskStore store = store(Map.of());
        Task succeeds = enqueue(store, 1000);
        assertThat(inputBytes(store)).isEqualTo(1000);
        runToEnd(store, succeeds);
        assertThat(inputBytes(store)).isZero();

        Task cancelledWhileQueued = enqueue(store, 700);
        store.requestCancel(cancelledWhileQueued.id(), ENDINGS).await().indefinitely();
        assertThat(inputBytes(store)).isZero();

        Task lost = enqueue(store, 500);
        TaskStore.Claim claim = store.claim("w", 1, Duration.ofMillis(1)).await().indefinitely().get(0);
        assertThat(claim.input()).hasSize(500);
        clock.advance(Duration.ofSeconds(1));
        store.requestCancel(lost.id(), ENDINGS).await().indefinitely();
        assertThat(store.rescueExpired(Duration.ofSeconds(1), ENDINGS).await().indefinitely())
                .extracting(Task::state).containsExactly(TaskState.CANCELLED);
        assertThat(inputBytes(store)).isZero();
    }

    @Test
    void keepsAtMostMaxEndedTasksEvictingTheOldestEndedFirst() {
        InMemoryTaskStore store = store(Map.of("app.tasks.max-ended", "3"));
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Task task = enqueue(store, 10);
            runToEnd(store, task);
            tasks.add(task);
        }
        Task unfinished = enqueue(store, 10);

        for (int i = 0; i < 5; i++) {
            boolean kept = i >= 2;
            assertThat(store.find(tasks.get(i).id()).await().indefinitely().isPresent()).as("task %d kept", i)
                    .isEqualTo(kept);
        }
        assertThat(store.find(unfinished.id()).await().indefinitely()).isPresent();
        assertThat(metrics.counter("tasks.evicted", "reason", "max-ended").count()).isEqualTo(2);
    }

    @Test
    void retentionEvictsEndedTasksOnlyOnceOldEnough() {
        InMemoryTaskStore store = store(Map.of());
        Task old = enqueue(store, 10);
        runToEnd(store, old);
        clock.advance(Duration.ofMinutes(30));
        Task young = enqueue(store, 10);
        runToEnd(store, young);
        Task unfinished = enqueue(store, 10);
        clock.advance(Duration.ofMinutes(31));

        assertThat(store.evictEndedBefore(Duration.ofHours(1)).await().indefinitely()).isEqualTo(1);

        assertThat(store.find(old.id()).await().indefinitely()).isEmpty();
        assertThat(store.find(young.id()).await().indefinitely()).isPresent();
        assertThat(store.find(unfinished.id()).await().indefinitely()).isPresent();
        assertThat(metrics.counter("tasks.evicted", "reason", "retention").count()).isEqualTo(1);
    }

    @Test
    void refusesSubmissionsWhoseInputsWouldPassTheMemoryLimit() {
        InMemoryTaskStore store = store(Map.of("app.tasks.max-input-memory", "1K"));
        Task first = enqueue(store, 600);

        assertThatThrownBy(() -> enqueue(store, 600)).isInstanceOf(QueueFullException.class)
                .satisfies(e -> assertThat(((QueueFullException) e).headers()).containsKey("Retry-After"));
        assertThat(store.counts().await().indefinitely().queued()).isEqualTo(1);

        runToEnd(store, first);
        enqueue(store, 600);
        // One input larger than the whole limit is still taken when nothing else is held: it can never fit better.
        InMemoryTaskStore empty = store(Map.of("app.tasks.max-input-memory", "1K"));
        enqueue(empty, 5000);
        assertThat(inputBytes(empty)).isEqualTo(5000);
    }
}
