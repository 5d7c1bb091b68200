package dev.modelserving.security;

import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/** The HMAC key that signs and verifies bearer tokens: the configured one, or a random one for this process. */
final class TokenKey {

    static final String ALGORITHM = "HmacSHA256";
    private static final int MIN_BYTES = 32;
    private static final Logger LOG = Logger.getLogger(TokenKey.class);

    private TokenKey() {
    }

    static SecretKey from(TokenConfig config) {
        if (config.secret().isPresent()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(config.secret().get().strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("app.token.secret is not valid base64", e);
            }
            if (bytes.length < MIN_BYTES) {
                throw new IllegalStateException("app.token.secret must decode to at least " + MIN_BYTES
                        + " bytes, it has " + bytes.length);
            }
            return new SecretKeySpec(bytes, ALGORITHM);
        }
        LOG.warn("app.token.secret is not set: signing tokens with a random key made at startup. Tokens will not"
                + " survive a restart and will not be accepted by other replicas; set APP_TOKEN_SECRET"
                + " (base64 of 32+ random bytes) for production.");
        byte[] bytes = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new SecretKeySpec(bytes, ALGORITHM);
    }
}
