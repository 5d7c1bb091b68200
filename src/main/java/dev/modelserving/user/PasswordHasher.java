package dev.modelserving.user;

import dev.modelserving.web.BlockingWork;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** bcrypt hashing and checking, always on a worker thread: one hash costs tens of milliseconds of CPU. */
@ApplicationScoped
public class PasswordHasher {

    private final BlockingWork blocking;
    private final UserConfig config;

    public PasswordHasher(BlockingWork blocking, UserConfig config) {
        this.blocking = blocking;
        this.config = config;
    }

    public Uni<String> hash(String password) {
        return blocking.run(() -> BcryptUtil.bcryptHash(password, config.bcryptCost()));
    }

    public Uni<Boolean> matches(String password, String hash) {
        return blocking.run(() -> BcryptUtil.matches(password, hash));
    }
}
