package dev.modelserving.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code app.admin.*}: the administrator account created at startup. */
@ConfigMapping(prefix = "app.admin")
public interface AdminConfig {

    /** Username of the administrator. */
    @WithDefault("admin")
    String username();

    /** Password of the administrator (env {@code APP_ADMIN_PASSWORD}); no administrator exists when unset. */
    Optional<String> password();
}
