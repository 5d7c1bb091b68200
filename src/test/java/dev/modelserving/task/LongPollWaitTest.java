package dev.modelserving.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.problem.InvalidRequestException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code ?wait=} is checked against {@code app.tasks.max-wait} alone: raising the setting raises the limit. */
class LongPollWaitTest {

    @Test
    void theLimitIsTheConfiguredMaximum() {
        assertThat(TaskService.checkedWait(45, Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(45));
        assertThat(TaskService.checkedWait(60, Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(60));
        assertThat(TaskService.checkedWait(0, Duration.ofSeconds(30))).isZero();
        assertThatThrownBy(() -> TaskService.checkedWait(31, Duration.ofSeconds(30)))
                .isInstanceOf(InvalidRequestException.class).hasMessage("wait must be between 0 and 30 seconds");
        assertThatThrownBy(() -> TaskService.checkedWait(11, Duration.ofSeconds(10)))
                .isInstanceOf(InvalidRequestException.class).hasMessage("wait must be between 0 and 10 seconds");
        assertThatThrownBy(() -> TaskService.checkedWait(-1, Duration.ofSeconds(30)))
                .isInstanceOf(InvalidRequestException.class);
    }
}
