package dev.modelserving.problem;

import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Builds the JAX-RS response that carries a problem document. */
final class ProblemResponses {

    private ProblemResponses() {
    }

    static Response of(Problem problem, Map<String, String> headers) {
        Response.ResponseBuilder builder = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        headers.forEach(builder::header);
        if (problem.status() == 401 && !headers.containsKey("WWW-Authenticate")) {
            builder.header("WWW-Authenticate", "Bearer");
        }
        return builder.build();
    }

    static Response of(Problem problem) {
        return of(problem, Map.of());
    }
}
