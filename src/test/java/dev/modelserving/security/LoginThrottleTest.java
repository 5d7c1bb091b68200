package dev.modelserving.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.MutableClock;
import dev.modelserving.support.TestConfigs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The throttle's rules on a clock the test moves: limits per username and per address, growth, reset, memory. */
class LoginThrottleTest {

    private final MutableClock clock = new MutableClock();

    private LoginThrottle throttle(Map<String, String> settings) {
        return new LoginThrottle(TestConfigs.mapping(LoginConfig.class, settings), clock);
    }

    @Test
    void pastTheLimitEachFailureDoublesTheWaitUpToTheMaximum() {
        LoginThrottle throttle = throttle(Map.of("app.login.max-failures", "3", "app.login.max-delay", "5s"));
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.waitBefore("alice", "10.0.0.1")).isEmpty();
            throttle.failed("alice", "10.0.0.1");
        }
        assertThat(throttle.waitBefore("alice", "10.0.0.1")).isEmpty();
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.waitBefore("alice", "10.0.0.1")).contains(Duration.ofSeconds(1));
        assertThat(throttle.waitBefore("ALICE", "10.0.0.9")).as("usernames are not case-sensitive here")
                .contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.waitBefore("alice", "10.0.0.1")).contains(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.waitBefore("alice", "10.0.0.1")).contains(Duration.ofSeconds(4));
        clock.advance(Duration.ofSeconds(4));
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.waitBefore("alice", "10.0.0.1")).contains(Duration.ofSeconds(5));
        assertThat(throttle.waitBefore("bob", "10.0.0.2")).as("another user elsewhere").isEmpty();
    }

    @Test
    void aSuccessForgetsTheFailuresAndSoDoesTheWindow() {
        LoginThrottle throttle = throttle(Map.of("app.login.max-failures", "2", "app.login.window", "1m"));
        for (int i = 0; i < 3; i++) {
            throttle.failed("carol", null);
        }
        assertThat(throttle.waitBefore("carol", null)).isPresent();
        throttle.succeeded("carol", null);
        assertThat(throttle.waitBefore("carol", null)).isEmpty();

        throttle.failed("dave", null);
        throttle.failed("dave", null);
        clock.advance(Duration.ofMinutes(2));
        throttle.failed("dave", null);
        assertThat(throttle.waitBefore("dave", null)).as("the earlier failures were outside the window").isEmpty();
    }

    @Test
    void oneAddressTryingManyUsernamesWaitsToo() {
        LoginThrottle throttle = throttle(Map.of("app.login.max-failures-per-address", "10"));
        for (int i = 0; i < 11; i++) {
            throttle.failed("user-" + i, "192.0.2.7");
        }
        assertThat(throttle.waitBefore("somebody-new", "192.0.2.7")).isPresent();
        assertThat(throttle.waitBefore("somebody-new", "192.0.2.8")).isEmpty();
    }

    @Test
    void randomUsernamesCannotGrowTheMemoryPastItsBound() {
        LoginThrottle throttle = throttle(Map.of("app.login.max-tracked", "1000"));
        for (int i = 0; i < 50_000; i++) {
            throttle.failed("random-" + i, "198.51.100." + (i % 250));
        }
        assertThat(throttle.tracked()).isLessThanOrEqualTo(1000);
    }
}
