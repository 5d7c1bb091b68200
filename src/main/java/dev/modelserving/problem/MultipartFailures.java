package dev.modelserving.problem;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Failures of the framework's multipart parser, which reach the application as plain runtime and I/O exceptions: a body
 * that ends before its closing boundary, a boundary that matches nothing, more parts than
 * {@code quarkus.http.limits.max-parameters}. They are the client's malformed or oversized request, not a server
 * failure: a 400, or a 422 for too many parts, in our own words.
 */
@ApplicationScoped
public class MultipartFailures {

    private static final String PARSER_PACKAGE = "org.jboss.resteasy.reactive.server.core.multipart.";
    private static final String TOO_MANY_PARTS = "Param limit of";
    private static final int MAX_CAUSES = 10;

    private final int maxParts;

    public MultipartFailures(
            @ConfigProperty(name = "quarkus.http.limits.max-parameters", defaultValue = "1000") int maxParts) {
        this.maxParts = maxParts;
    }

    /** The problem for a failure raised while the multipart body was parsed; null for any other failure. */
    Problem problemFor(Throwable failure, String path) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            StackTraceElement[] frames = cause.getStackTrace();
            if (frames.length > 0 && frames[0].getClassName().startsWith(PARSER_PACKAGE)) {
                if (String.valueOf(cause.getMessage()).startsWith(TOO_MANY_PARTS)) {
                    return Problem.of(ProblemType.VALIDATION_FAILED, "The multipart body has more than " + maxParts
                            + " parts, the most accepted", path);
                }
                return Problem.of(ProblemType.BAD_REQUEST, "The multipart/form-data body could not be read: it is "
                        + "empty, ends before its closing boundary, or its parts do not match the boundary in "
                        + "Content-Type", path);
            }
        }
        return null;
    }
}
