package dev.modelserving.problem;

import java.util.Map;

/**
 * The problems of a refused caller, in the same words whether REST refused it (an operation's annotations) or the HTTP
 * layer did (a path's permission policy).
 */
final class SecurityProblems {

    private SecurityProblems() {
    }

    /** No credentials, or credentials that do not verify ({@code authorization} is the header as sent). */
    static Problem unauthorized(String authorization, String path) {
        String detail = authorization == null
                ? "Authentication required: send 'Authorization: Bearer <token>' (POST /auth/token issues one)"
                : "The bearer token is invalid or expired";
        return Problem.of(ProblemType.UNAUTHORIZED, detail, path);
    }

    /** The challenge that goes with {@link #unauthorized}. */
    static Map<String, String> challenge(String authorization) {
        return Map.of("WWW-Authenticate", authorization == null ? "Bearer" : "Bearer error=\"invalid_token\"");
    }

    /** A verified caller whose roles do not allow the request. */
    static Problem forbidden(String method, String path) {
        return Problem.of(ProblemType.FORBIDDEN, "Your roles do not allow " + method + " " + path, path);
    }
}
