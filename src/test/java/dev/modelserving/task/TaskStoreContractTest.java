package dev.modelserving.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.problem.Problem;
import dev.modelserving.problem.ProblemType;
import dev.modelserving.store.Page;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The task store's contract, on whichever store {@code app.store} selects — the suite runs once on the in-memory store
 * and once on PostgreSQL. This application runs no workers and no sweeps of its own, so that only the test moves the
 * tasks.
 */
@QuarkusTest
@TestProfile(TaskStoreContractTest.StoreOnly.class)
class TaskStoreContractTest {

    public static class StoreOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.tasks.workers", "0", "quarkus.scheduler.enabled", "false");
        }
    }

    private static final Duration LONG = Duration.ofMinutes(5);
    private static final Duration EXPIRED = Duration.ofMillis(1);

    @Inject
    TaskStore store;

    /** Ends recorded by the writes the store applies with an end, by task id. */
    private final Map<String, String> endWrites = new ConcurrentHashMap<>();

    private Task enqueue(int maxAttempts) {
        return enqueue(maxAttempts, new byte[]{1, 2, 3});
    }

    /** A task of {@code owner}, submitted {@code laterMillis} after {@code after}. */
    private Task enqueueFor(Task after, int laterMillis) {
        Task task = Task.queued(UUID.randomUUID().toString(), "contract", after.owner(), 4, null, 1,
                after.submittedAt().plusMillis(laterMillis));
        store.enqueue(task, new byte[]{1}, TaskWrite.NONE).await().indefinitely();
        return task;
    }

    private Task enqueue(int maxAttempts, byte[] input) {
        Task task = Task.queued(UUID.randomUUID().toString(), "contract", "owner-" + UUID.randomUUID(), 4, null,
                maxAttempts, Instant.now());
        store.enqueue(task, input, TaskWrite.NONE).await().indefinitely();
        return task;
    }

    private long inputBytes() {
        return store.inputBytes().await().indefinitely();
    }

    private TaskStore.Endings recording() {
        return (task, end, reason) -> new TaskStore.Ending(end,
                Problem.of(ProblemType.SERVICE_UNAVAILABLE, "ended by the store", "/tasks/" + task.id()), reason,
                SideEffectWrites.of(store.durable(), () -> endWrites.put(task.id(), end + ":" + reason)));
    }

    /** Claims until the given task is among the claims (other tests' tasks may come first). */
    private TaskStore.Claim claimThis(Task task, String worker, Duration lease) {
        for (int i = 0; i < 1000; i++) {
            for (TaskStore.Claim claim : store.claim(worker, 50, lease).await().indefinitely()) {
                if (claim.task().id().equals(task.id())) {
                    return claim;
                }
            }
        }
        throw new AssertionError("task " + task.id() + " was never claimed");
    }

    private Task find(Task task) {
        return store.find(task.id()).await().indefinitely().orElseThrow();
    }

    @Test
    void aClaimTakesTheTaskWithItsInputAndALease() {
        Task task = enqueue(3);
        TaskStore.Claim claim = claimThis(task, "w1", LONG);
        assertThat(claim.input()).containsExactly(1, 2, 3);
        assertThat(claim.task().state()).isEqualTo(TaskState.RUNNING);
        assertThat(claim.task().attempts()).isEqualTo(1);
        assertThat(claim.task().worker()).isEqualTo("w1");
        assertThat(claim.task().startedAt()).isNotNull();
        assertThat(store.heartbeat(claim.lease(), LONG).await().indefinitely()).contains(false);
    }

    @Test
    void concurrentClaimsNeverTakeOneTaskTwice() {
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            mine.add(enqueue(3).id());
        }
        List<CompletableFuture<List<TaskStore.Claim>>> claimers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            String worker = "racer-" + w;
            claimers.add(CompletableFuture.supplyAsync(() -> {
                List<TaskStore.Claim> all = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    all.addAll(store.claim(worker, 5, LONG).await().indefinitely());
                }
                return all;
            }));
        }
        List<String> claimed = claimers.stream().flatMap(c -> c.join().stream()).map(c -> c.task().id())
                .filter(mine::contains).toList();
        assertThat(claimed).doesNotHaveDuplicates();
        assertThat(new HashSet<>(claimed)).isEqualTo(mine);
    }

    @Test
    void onlyTheHolderOfTheLeaseCanEndTheTask() {
        Task task = enqueue(3);
        TaskStore.Claim claim = claimThis(task, "w1", LONG);
        TaskStore.Lease stale = new TaskStore.Lease(task.id(), "w1", claim.lease().attempt() + 1);
        TaskStore.Lease otherWorker = new TaskStore.Lease(task.id(), "w2", claim.lease().attempt());
        TaskStore.Ending success = new TaskStore.Ending(TaskState.SUCCEEDED, null, null, TaskWrite.NONE);

        assertThat(store.finish(stale, success).await().indefinitely()).isEmpty();
        assertThat(store.finish(otherWorker, success).await().indefinitely()).isEmpty();
        assertThat(store.heartbeat(otherWorker, LONG).await().indefinitely()).isEmpty();
        store.progress(otherWorker, 3).await().indefinitely();
        assertThat(find(task).state()).isEqualTo(TaskState.RUNNING);
        assertThat(find(task).progress().completed()).isZero();

        store.progress(claim.lease(), 2).await().indefinitely();
        assertThat(find(task).progress().completed()).isEqualTo(2);
        Task ended = store.finish(claim.lease(), success).await().indefinitely().orElseThrow();
        assertThat(ended.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(ended.progress().completed()).isEqualTo(4);
        assertThat(store.finish(claim.lease(), success).await().indefinitely()).as("the first end wins").isEmpty();
    }

    @Test
    void aCancelAcceptedWhileTheJobEndedWinsOverItsSuccess() {
        Task task = enqueue(3);
        TaskStore.Claim claim = claimThis(task, "w1", LONG);
        store.requestCancel(task.id(), recording()).await().indefinitely();
        TaskStore.Ending success = new TaskStore.Ending(TaskState.SUCCEEDED, null, null,
                SideEffectWrites.of(store.durable(), () -> endWrites.put(task.id(), "product written")));
        TaskStore.Ending cancelled = recording().of(claim.task(), TaskState.CANCELLED, "cancelled");

        Task ended = store.finish(claim.lease(), success, cancelled).await().indefinitely().orElseThrow();
        assertThat(ended.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(ended.reason()).isEqualTo("cancelled");
        assertThat(endWrites).containsEntry(task.id(), "CANCELLED:cancelled");
    }

    @Test
    void anExpiredLeaseIsRescuedAndTheOldHolderIsFencedOut() throws Exception {
        Task task = enqueue(3);
        TaskStore.Claim first = claimThis(task, "dead", EXPIRED);
        Thread.sleep(20);

        List<Task> moved = store.rescueExpired(Duration.ZERO, recording()).await().indefinitely();
        Task requeued = moved.stream().filter(t -> t.id().equals(task.id())).findFirst().orElseThrow();
        assertThat(requeued.state()).isEqualTo(TaskState.QUEUED);
        assertThat(requeued.worker()).isNull();
        assertThat(requeued.error().detail()).contains("dead").contains("lease");

        TaskStore.Claim second = claimThis(task, "alive", LONG);
        assertThat(second.task().attempts()).isEqualTo(2);
        assertThat(store.heartbeat(first.lease(), LONG).await().indefinitely()).isEmpty();
        assertThat(store.finish(first.lease(), new TaskStore.Ending(TaskState.SUCCEEDED, null, null,
                TaskWrite.NONE)).await().indefinitely()).isEmpty();
        Task done = store.finish(second.lease(), new TaskStore.Ending(TaskState.SUCCEEDED, null, null,
                TaskWrite.NONE)).await().indefinitely().orElseThrow();
        assertThat(done.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(done.error()).as("a success clears the lost attempt's error").isNull();
    }

    @Test
    void aRescuedTaskWaitsForItsBackoff() throws Exception {
        Task task = enqueue(3);
        claimThis(task, "dead", EXPIRED);
        Thread.sleep(20);
        store.rescueExpired(Duration.ofMinutes(10), recording()).await().indefinitely();
        assertThat(find(task).state()).isEqualTo(TaskState.QUEUED);
        assertThat(store.claim("w", 1000, LONG).await().indefinitely()).extracting(c -> c.task().id())
                .doesNotContain(task.id());
    }

    @Test
    void anEndedTaskNoLongerHoldsItsInput() throws Exception {
        long before = inputBytes();
        Task succeeds = enqueue(3, new byte[1000]);
        assertThat(inputBytes()).isEqualTo(before + 1000);
        TaskStore.Claim claim = claimThis(succeeds, "w1", LONG);
        assertThat(claim.input()).hasSize(1000);
        store.finish(claim.lease(), new TaskStore.Ending(TaskState.SUCCEEDED, null, null, TaskWrite.NONE))
                .await().indefinitely();
        assertThat(inputBytes()).as("after SUCCEEDED").isEqualTo(before);

        Task cancelled = enqueue(3, new byte[700]);
        store.requestCancel(cancelled.id(), recording()).await().indefinitely();
        assertThat(inputBytes()).as("after a queued task's cancel").isEqualTo(before);

        Task lost = enqueue(1, new byte[500]);
        claimThis(lost, "dead", EXPIRED);
        Thread.sleep(20);
        store.rescueExpired(Duration.ZERO, recording()).await().indefinitely();
        assertThat(find(lost).state()).isEqualTo(TaskState.FAILED);
        // Other tests' tasks rescued by the same sweep may have ended too, and released theirs.
        assertThat(inputBytes()).as("after FAILED by rescue").isLessThanOrEqualTo(before);
    }

    @Test
    void theLastAttemptLostFailsTheTaskWithItsWrite() throws Exception {
        Task task = enqueue(1);
        claimThis(task, "dead", EXPIRED);
        Thread.sleep(20);
        store.rescueExpired(Duration.ZERO, recording()).await().indefinitely();
        Task failed = find(task);
        assertThat(failed.state()).isEqualTo(TaskState.FAILED);
        assertThat(failed.reason()).isEqualTo("lease-expired");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(endWrites).containsEntry(task.id(), "FAILED:lease-expired");
    }

    @Test
    void aCancelRequestedBeforeTheLeaseExpiredEndsCancelled() throws Exception {
        Task task = enqueue(3);
        TaskStore.Claim claim = claimThis(task, "dead", EXPIRED);
        Task flagged = store.requestCancel(task.id(), recording()).await().indefinitely().orElseThrow();
        assertThat(flagged.state()).isEqualTo(TaskState.RUNNING);
        assertThat(flagged.cancelRequested()).isTrue();
        Thread.sleep(20);
        store.rescueExpired(Duration.ZERO, recording()).await().indefinitely();
        assertThat(find(task).state()).isEqualTo(TaskState.CANCELLED);
        assertThat(endWrites).containsEntry(task.id(), "CANCELLED:cancelled");
        assertThat(store.heartbeat(claim.lease(), LONG).await().indefinitely()).isEmpty();
    }

    @Test
    void aQueuedTaskIsCancelledAtOnceWithItsWriteAndAnEndedOneIsLeftAlone() {
        Task task = enqueue(3);
        Task cancelled = store.requestCancel(task.id(), recording()).await().indefinitely().orElseThrow();
        assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(endWrites).containsEntry(task.id(), "CANCELLED:cancelled");
        endWrites.clear();
        assertThat(store.requestCancel(task.id(), recording()).await().indefinitely().orElseThrow().state())
                .isEqualTo(TaskState.CANCELLED);
        assertThat(endWrites).isEmpty();
        assertThat(store.requestCancel(UUID.randomUUID().toString(), recording()).await().indefinitely()).isEmpty();
        assertThat(store.requestCancel("not-a-uuid", recording()).await().indefinitely()).isEmpty();
    }

    @Test
    void aReleasedTaskGoesBackToTheQueueWithoutUsingAnAttempt() {
        Task task = enqueue(3);
        TaskStore.Claim claim = claimThis(task, "leaving", LONG);
        assertThat(store.release("leaving").await().indefinitely()).isGreaterThanOrEqualTo(1);
        Task released = find(task);
        assertThat(released.state()).isEqualTo(TaskState.QUEUED);
        assertThat(released.attempts()).isZero();
        assertThat(store.finish(claim.lease(), new TaskStore.Ending(TaskState.SUCCEEDED, null, null,
                TaskWrite.NONE)).await().indefinitely()).isEmpty();
        assertThat(claimThis(task, "next", LONG).task().attempts()).isEqualTo(1);
    }

    @Test
    void evictionDeletesEndedTasksOnlyNeverRunningOrQueuedOnes() {
        Task running = enqueue(3);
        claimThis(running, "w", LONG);
        Task ended = enqueue(3);
        store.requestCancel(ended.id(), recording()).await().indefinitely();
        Task queued = enqueue(3);

        assertThat(store.evictEndedBefore(Duration.ofHours(1)).await().indefinitely()).isZero();
        assertThat(store.find(ended.id()).await().indefinitely()).isPresent();
        assertThat(store.evictEndedBefore(Duration.ZERO).await().indefinitely()).isGreaterThanOrEqualTo(1);
        assertThat(store.find(ended.id()).await().indefinitely()).isEmpty();
        assertThat(store.find(running.id()).await().indefinitely().map(Task::state)).contains(TaskState.RUNNING);
        assertThat(store.find(queued.id()).await().indefinitely().map(Task::state))
                .isEqualTo(Optional.of(TaskState.QUEUED));
    }

    @Test
    void countsAndListsFollowTheState() {
        Task task = enqueue(3);
        TaskStore.Counts before = store.counts().await().indefinitely();
        assertThat(before.queued()).isGreaterThanOrEqualTo(1);
        assertThat(store.list(Optional.of(task.owner()), Optional.empty(), 0, 50).await().indefinitely().items())
                .extracting(Task::id).containsExactly(task.id());
        assertThat(store.list(Optional.of(task.owner()), Optional.of(TaskState.RUNNING), 0, 50).await()
                .indefinitely().items()).isEmpty();
    }

    @Test
    void listsArePagedNewestFirstWithTheirTotal() {
        Task first = enqueue(1);
        String owner = first.owner();
        List<Task> mine = new ArrayList<>(List.of(first));
        for (int i = 1; i <= 4; i++) {
            mine.add(enqueueFor(first, i * 10));
        }
        Page<Task> page0 = store.list(Optional.of(owner), Optional.empty(), 0, 2).await().indefinitely();
        Page<Task> page2 = store.list(Optional.of(owner), Optional.empty(), 2, 2).await().indefinitely();
        Page<Task> beyond = store.list(Optional.of(owner), Optional.empty(), 9, 2).await().indefinitely();
        assertThat(page0.total()).isEqualTo(5);
        assertThat(page0.items()).extracting(Task::id).containsExactly(mine.get(4).id(), mine.get(3).id());
        assertThat(page2.items()).extracting(Task::id).containsExactly(mine.get(0).id());
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.total()).isEqualTo(5);
    }
}
