package dev.modelserving.security;

import dev.modelserving.user.PasswordHasher;
import dev.modelserving.user.User;
import dev.modelserving.user.UserService;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/** Exchanges a username and password for a signed bearer token. */
@ApplicationScoped
public class TokenService {

    private final UserService users;
    private final PasswordHasher hasher;
    private final TokenVerification verification;
    private final TokenConfig config;
    private final LoginThrottle throttle;
    /**
     * Checked against when the username is unknown, so that an unknown user costs the same bcrypt time as a wrong
     * password and response times do not reveal which usernames exist.
     */
    private final Uni<String> decoyHash;

    public TokenService(UserService users, PasswordHasher hasher, TokenVerification verification,
            TokenConfig config, LoginThrottle throttle) {
        this.users = users;
        this.hasher = hasher;
        this.verification = verification;
        this.config = config;
        this.throttle = throttle;
        this.decoyHash = hasher.hash("decoy password that matches nothing").memoize().indefinitely();
    }

    /**
     * Fails with 401 {@link InvalidCredentialsException} for an unknown user and for a wrong password alike, and with
     * 429 {@link LoginThrottledException} while the username or the client's address must wait after failures.
     *
     * @param address the client's address (as the proxy settings let the HTTP layer see it); null when unknown
     */
    public Uni<TokenResponse> issue(String username, String password, String address) {
        Optional<Duration> wait = throttle.waitBefore(username, address);
        if (wait.isPresent()) {
            return Uni.createFrom().failure(new LoginThrottledException(wait.get()));
        }
        return users.find(username).flatMap(found -> check(found, password)).map(user -> {
            if (user.isEmpty()) {
                throttle.failed(username, address);
                throw new InvalidCredentialsException();
            }
            throttle.succeeded(username, address);
            return sign(user.get());
        });
    }

    private Uni<Optional<User>> check(Optional<User> user, String password) {
        if (user.isEmpty()) {
            return decoyHash.flatMap(hash -> hasher.check(password, hash)).map(ignored -> Optional.empty());
        }
        return hasher.check(password, user.get().passwordHash()).flatMap(check -> {
            if (!check.matches()) {
                return Uni.createFrom().item(Optional.<User>empty());
            }
            // An earlier-format hash is replaced now that the password is known: the next check reads all of it.
            return check.outdated()
                    ? users.rehash(user.get(), password).map(Optional::of)
                    : Uni.createFrom().item(user);
        });
    }

    private TokenResponse sign(User user) {
        long lifetime = config.lifetime().toSeconds();
        String token = Jwt.issuer(config.issuer())
                .upn(user.username())
                .subject(user.username())
                .groups(user.roles())
                .expiresIn(lifetime)
                .jws().algorithm(SignatureAlgorithm.HS256)
                .sign(verification.key());
        return new TokenResponse(token, "Bearer", lifetime);
    }
}
