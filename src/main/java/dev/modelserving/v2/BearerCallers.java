package dev.modelserving.v2;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller named by an {@code authorization: Bearer <token>} value (gRPC metadata, or the header of a request served
 * on the router), verified as the REST layer verifies it: the same parser, so the same keys, issuer, expiry and cache
 * of verified tokens.
 */
@ApplicationScoped
public class BearerCallers {

    private static final String BEARER = "bearer ";

    private final JWTParser tokens;

    public BearerCallers(JWTParser tokens) {
        this.tokens = tokens;
    }

    /** The verified token of a gRPC call's {@code authorization} metadata; a 401 problem without a valid one. */
    JsonWebToken require(String authorization) {
        if (!bearer(authorization)) {
            throw new ProblemException(ProblemType.UNAUTHORIZED, "Authentication required: send the metadata "
                    + "'authorization: Bearer <token>' (POST /auth/token issues one)");
        }
        JsonWebToken caller = verified(authorization);
        if (caller == null) {
            throw new ProblemException(ProblemType.UNAUTHORIZED, "The bearer token is invalid or expired");
        }
        return caller;
    }

    /** The verified token of an {@code authorization} value; null when there is none, or none valid. */
    JsonWebToken verified(String authorization) {
        if (!bearer(authorization)) {
            return null;
        }
        try {
            return tokens.parse(authorization.substring(BEARER.length()).trim());
        } catch (ParseException e) {
            return null;
        }
    }

    private static boolean bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
    }
}
