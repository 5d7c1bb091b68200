package dev.modelserving.v2;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller of a gRPC call: the bearer token of its {@code authorization} metadata, verified as REST verifies it (the
 * same parser, so the same keys, issuer, expiry and cache of verified tokens).
 */
@ApplicationScoped
public class GrpcCallers {

    private static final String BEARER = "bearer ";

    private final JWTParser tokens;

    public GrpcCallers(JWTParser tokens) {
        this.tokens = tokens;
    }

    /** The verified token of a call's {@code authorization} metadata; a 401 problem without a valid one. */
    JsonWebToken require(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ProblemException(ProblemType.UNAUTHORIZED, "Authentication required: send the metadata "
                    + "'authorization: Bearer <token>' (POST /auth/token issues one)");
        }
        try {
            return tokens.parse(authorization.substring(BEARER.length()).trim());
        } catch (ParseException e) {
            throw new ProblemException(ProblemType.UNAUTHORIZED, "The bearer token is invalid or expired");
        }
    }
}
