package dev.modelserving.security;

import dev.modelserving.user.PasswordHasher;
import dev.modelserving.user.User;
import dev.modelserving.user.UserService;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Exchanges a username and password for a signed bearer token. */
@ApplicationScoped
public class TokenService {

    private final UserService users;
    private final PasswordHasher hasher;
    private final TokenVerification verification;
    private final TokenConfig config;
    /**
     * Checked against when the username is unknown, so that an unknown user costs the same bcrypt time as a wrong
     * password and response times do not reveal which usernames exist.
     */
    private final Uni<String> decoyHash;

    public TokenService(UserService users, PasswordHasher hasher, TokenVerification verification,
            TokenConfig config) {
        this.users = users;
        this.hasher = hasher;
        this.verification = verification;
        this.config = config;
        this.decoyHash = hasher.hash("decoy password that matches nothing").memoize().indefinitely();
    }

    /** Fails with 401 {@link InvalidCredentialsException} for an unknown user and for a wrong password alike. */
    public Uni<TokenResponse> issue(String username, String password) {
        return users.find(username).flatMap(found -> check(found, password))
                .map(user -> user.orElseThrow(InvalidCredentialsException::new))
                .map(this::sign);
    }

    private Uni<Optional<User>> check(Optional<User> user, String password) {
        if (user.isEmpty()) {
            return decoyHash.flatMap(hash -> hasher.matches(password, hash)).map(ignored -> Optional.empty());
        }
        return hasher.matches(password, user.get().passwordHash())
                .map(matches -> matches ? user : Optional.empty());
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
