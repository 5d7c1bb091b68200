package dev.modelserving.security;

import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Holds the token key and tells smallrye-jwt to verify tokens with it. The key may be generated at startup, so it
 * cannot come from static configuration; this producer replaces the configuration-based verification settings. Created
 * at startup, so that a bad key fails the start and a missing one is reported before the first request.
 */
@Startup
@ApplicationScoped
public class TokenVerification {

    private final SecretKey key;
    private final TokenConfig config;

    public TokenVerification(TokenConfig config) {
        this.config = config;
        this.key = TokenKey.from(config);
    }

    SecretKey key() {
        return key;
    }

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    JWTAuthContextInfo verificationSettings() {
        JWTAuthContextInfo info = new JWTAuthContextInfo();
        info.setSecretVerificationKey(key);
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
        info.setIssuedBy(config.issuer());
        info.setExpGracePeriodSecs(0);
        info.setClockSkew((int) config.clockSkew().toSeconds());
        return info;
    }
}
