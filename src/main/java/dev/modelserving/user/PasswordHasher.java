package dev.modelserving.user;

import dev.modelserving.web.BlockingWork;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Password hashes: bcrypt of the password's SHA-256, always computed on a worker thread (one costs tens of milliseconds
 * of CPU).
 *
 * <p>
 * bcrypt reads at most 72 bytes of its input, so two passwords that share their first 72 bytes would verify against the
 * same hash. Hashing the password with SHA-256 first (base64, 44 bytes) makes bcrypt see all of it, whatever its
 * length. Such hashes are stored as {@value #PREFIX} followed by the bcrypt hash; a bare bcrypt hash is the earlier
 * format, still accepted and replaced at the user's next successful login.
 */
@ApplicationScoped
public class PasswordHasher {

    static final String PREFIX = "bcrypt-sha256$";

    private final BlockingWork blocking;
    private final UserConfig config;

    /**
     * @param matches whether the password is the one the hash was made of
     * @param outdated whether the hash is of the earlier format, to be replaced once the password is known good
     */
    public record Check(boolean matches, boolean outdated) {
    }

    public PasswordHasher(BlockingWork blocking, UserConfig config) {
        this.blocking = blocking;
        this.config = config;
    }

    public Uni<String> hash(String password) {
        return blocking.run(() -> PREFIX + BcryptUtil.bcryptHash(digest(password), config.bcryptCost()));
    }

    public Uni<Check> check(String password, String stored) {
        return blocking.run(() -> stored.startsWith(PREFIX)
                ? new Check(BcryptUtil.matches(digest(password), stored.substring(PREFIX.length())), false)
                : new Check(BcryptUtil.matches(password, stored), true));
    }

    private static String digest(String password) {
        try {
            byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sha256);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
