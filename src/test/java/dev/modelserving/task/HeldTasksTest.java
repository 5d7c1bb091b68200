package dev.modelserving.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.task.TaskStore.Claim;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A cancel can be announced between the claim's commit and the moment its answer is read here; the task must stop as
 * soon as it is held, not run to the next heartbeat.
 */
class HeldTasksTest {

    private final HeldTasks held = new HeldTasks();

    private static Claim claim(String id, boolean cancelRequested) {
        Task queued = Task.queued(id, "order", "alice", 10, null, 3, Instant.now());
        Task running = queued.claimed("A", Instant.now());
        if (cancelRequested) {
            running = new Task(running.id(), running.kind(), running.owner(), running.state(), running.progress(),
                    running.submittedAt(), running.startedAt(), null, null, null, null, running.attempts(),
                    running.maxAttempts(), running.worker(), true);
        }
        return new Claim(running, new byte[0]);
    }

    private HeldTask hold(Claim claim) {
        // Progress is never reported in these tests: no store is needed behind the reports.
        return held.hold(claim, new ProgressReports(null, claim.lease()));
    }

    @Test
    void aCancelAnnouncedWhileTheClaimIsOutStopsTheTaskItReturns() {
        held.claimSent();
        held.cancelled("t1");
        HeldTask run = hold(claim("t1", false));
        held.claimAnswered();

        assertThatThrownBy(run::stopIfCancelled).isInstanceOf(TaskCancelledException.class)
                .extracting(e -> ((TaskCancelledException) e).reason()).isEqualTo(TaskEndings.REASON_CANCELLED);
    }

    @Test
    void aCancelReadWithTheClaimStopsTheTask() {
        held.claimSent();
        HeldTask run = hold(claim("t1", true));
        held.claimAnswered();

        assertThatThrownBy(run::stopIfCancelled).isInstanceOf(TaskCancelledException.class);
    }

    @Test
    void aCancelOfATaskHeldHereStopsIt() {
        held.claimSent();
        HeldTask run = hold(claim("t1", false));
        HeldTask other = hold(claim("t2", false));
        held.claimAnswered();
        assertThatCode(run::stopIfCancelled).doesNotThrowAnyException();

        held.cancelled("t1");

        assertThatThrownBy(run::stopIfCancelled).isInstanceOf(TaskCancelledException.class);
        assertThatCode(other::stopIfCancelled).doesNotThrowAnyException();
    }

    @Test
    void cancelsOfTasksHeldElsewhereAreForgottenOnceTheClaimIsAnswered() {
        held.cancelled("before");
        held.claimSent();
        held.cancelled("during");
        held.claimAnswered();
        held.claimSent();

        HeldTask before = hold(claim("before", false));
        HeldTask during = hold(claim("during", false));

        assertThatCode(before::stopIfCancelled).doesNotThrowAnyException();
        assertThatCode(during::stopIfCancelled).doesNotThrowAnyException();
    }

    @Test
    void aTaskIsHeldUntilItsJobIsDone() {
        held.claimSent();
        HeldTask run = hold(claim("t1", false));
        held.claimAnswered();
        assertThat(held.all()).containsExactly(run);
        assertThat(held.size()).isEqualTo(1);

        held.done("t1");

        assertThat(held.isEmpty()).isTrue();
        held.cancelled("t1");
        assertThatCode(run::stopIfCancelled).doesNotThrowAnyException();
    }
}
