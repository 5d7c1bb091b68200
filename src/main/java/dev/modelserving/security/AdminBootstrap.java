package dev.modelserving.security;

import dev.modelserving.user.User;
import dev.modelserving.user.UserService;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

    /**
     * Starts creating or updating the administrator named by {@code app.admin}, if a password is configured, and
     * returns at once: the password hash runs on a worker thread while the caller does other startup work.
     */
    public CompletableFuture<Void> ensureAdministrator() {
        if (config.password().isEmpty()) {
            LOG.info("No administrator: set app.admin.password (env APP_ADMIN_PASSWORD) to create one");
            return CompletableFuture.completedFuture(null);
        }
        return users.ensure(config.username(), config.password().get(), "Administrator",
                Set.of(User.ROLE_ADMIN, User.ROLE_USER))
                .invoke(created -> LOG.infof("Administrator '%s' %s", config.username(),
                        created ? "created" : "updated"))
                .replaceWithVoid()
                .ifNoItem().after(TIMEOUT).failWith(() -> new IllegalStateException(
                        "the administrator was not stored within " + TIMEOUT.toSeconds() + " s"))
                .subscribeAsCompletionStage();
    }
}
