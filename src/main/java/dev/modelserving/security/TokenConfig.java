package dev.modelserving.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code app.token.*}: the bearer tokens issued by {@code POST /auth/token}. */
@ConfigMapping(prefix = "app.token")
public interface TokenConfig {

    /**
     * Base64 of the HMAC-SHA256 key that signs and verifies tokens, at least 32 bytes once decoded. Every replica must
     * have the same key. When unset, a random key is made at startup: tokens then die with the process and are not
     * accepted by other replicas.
     */
    Optional<String> secret();

    /** How long an issued token is valid. */
    @WithDefault("PT15M")
    Duration lifetime();

    /**
     * How many verified tokens are remembered (until they expire) so that repeated requests with the same token skip
     * parsing and signature checking; 0 verifies every time.
     */
    @WithDefault("10000")
    int verifiedCacheSize();

    /**
     * How far past its expiry a token is still accepted, for clocks that differ between the replica that issued it and
     * the one that checks it.
     */
    @WithDefault("PT30S")
    Duration clockSkew();

    /** The {@code iss} claim put into and required of tokens. */
    @WithDefault("model-serving")
    String issuer();
}
