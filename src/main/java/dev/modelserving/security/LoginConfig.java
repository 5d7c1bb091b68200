package dev.modelserving.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code app.login.*}: how failed logins ({@code POST /auth/token}) are throttled, per replica. */
@ConfigMapping(prefix = "app.login")
public interface LoginConfig {

    /** Failed logins for one username, within {@link #window()}, before further attempts must wait. */
    @WithDefault("5")
    int maxFailures();

    /** Failed logins from one client address, within {@link #window()}, before further attempts must wait. */
    @WithDefault("50")
    int maxFailuresPerAddress();

    /** How long failures are remembered after the last one; a success forgets them at once. */
    @WithDefault("15m")
    Duration window();

    /** The wait after the first failure past the limit; it doubles with each further failure. */
    @WithDefault("1s")
    Duration firstDelay();

    /** The longest wait. */
    @WithDefault("15m")
    Duration maxDelay();

    /** How many usernames and addresses are tracked at once; beyond it the least recently failed are forgotten. */
    @WithDefault("100000")
    int maxTracked();
}
