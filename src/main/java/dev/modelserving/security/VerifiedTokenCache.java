package dev.modelserving.security;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Remembers bearer tokens that passed verification, until they expire. A client sends the same token with every request
 * for its whole lifetime, and parsing plus verifying it again each time was the largest single cost of an authenticated
 * request. The key is the complete token, signature included, so only a byte-identical token hits; an expired entry is
 * dropped and verified anew (which then fails). Bounded: the map is emptied when it is full.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache implements JWTParser {

    private final JWTParser verifier;
    private final int capacity;
    private final long clockSkewSeconds;
    private final ConcurrentHashMap<String, JsonWebToken> verified = new ConcurrentHashMap<>();

    public VerifiedTokenCache(JWTAuthContextInfo settings, TokenConfig config) {
        this.verifier = new DefaultJWTParser(settings);
        this.capacity = config.verifiedCacheSize();
        this.clockSkewSeconds = config.clockSkew().toSeconds();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (capacity <= 0) {
            return verifier.parse(token);
        }
        JsonWebToken known = verified.get(token);
        if (known != null) {
            // The same acceptance rule as the verifier's: expiry plus the allowed clock skew.
            if (known.getExpirationTime() + clockSkewSeconds > System.currentTimeMillis() / 1000) {
                return known;
            }
            verified.remove(token);
        }
        JsonWebToken fresh = verifier.parse(token);
        if (verified.size() >= capacity) {
            verified.clear();
        }
        verified.put(token, fresh);
        return fresh;
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
