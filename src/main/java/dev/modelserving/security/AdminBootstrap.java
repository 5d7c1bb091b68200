package dev.modelserving.security;

import dev.modelserving.user.User;
import dev.modelserving.user.UserService;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Makes sure the configured administrator exists at startup with the configured password. Without
 * {@code app.admin.password} there is no administrator, and the log says so.
 */
@ApplicationScoped
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AdminConfig config;
    private final UserService users;

    public AdminBootstrap(AdminConfig config, UserService users) {
        this.config = config;
        this.users = users;
    }

    /** Creates or updates the administrator named by {@code app.admin}, if a password is configured. */
    public void ensureAdministrator() {
        if (config.password().isEmpty()) {
            LOG.info("No administrator: set app.admin.password (env APP_ADMIN_PASSWORD) to create one");
            return;
        }
        boolean created = users.ensure(config.username(), config.password().get(), "Administrator",
                Set.of(User.ROLE_ADMIN, User.ROLE_USER)).await().atMost(TIMEOUT);
        LOG.infof("Administrator '%s' %s", config.username(), created ? "created" : "updated");
    }
}
