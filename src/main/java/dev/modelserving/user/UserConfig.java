package dev.modelserving.user;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code app.users.*}: how users are kept. */
@ConfigMapping(prefix = "app.users")
public interface UserConfig {

    /**
     * bcrypt cost factor (log2 of the rounds) for new password hashes. 10 takes about 50-100 ms per hash on one core;
     * raise it as hardware gets faster.
     */
    @WithDefault("10")
    int bcryptCost();
}
