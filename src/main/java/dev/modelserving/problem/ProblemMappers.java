package dev.modelserving.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one family of exception mappers: every failure that reaches the REST layer, the service's own
 * {@link ProblemException}s and the framework's (routing, content negotiation, JSON parsing, bean validation,
 * security), leaves as an RFC 9457 problem document. Failures that happen before the REST layer (unknown paths,
 * oversized bodies) are answered by {@link HttpProblemHandlers} in the same form.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final IncidentLog incidents;
    private final ClientDisconnects disconnects;
    private final MultipartFailures multipartFailures;
    private final AllowedMethods allowedMethods;

    public ProblemMappers(IncidentLog incidents, ClientDisconnects disconnects, MultipartFailures multipartFailures,
            AllowedMethods allowedMethods) {
        this.incidents = incidents;
        this.disconnects = disconnects;
        this.multipartFailures = multipartFailures;
        this.allowedMethods = allowedMethods;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, HttpServerRequest request) {
        return ProblemResponses.of(e.problem(request.path()), e.headers());
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, HttpServerRequest request) {
        ConstraintViolations.Sorted sorted = ConstraintViolations.sort(e.getConstraintViolations());
        if (!sorted.body().isEmpty()) {
            return ProblemResponses.of(Problem.of(ProblemType.BAD_REQUEST,
                    "The request body is missing or unusable: " + sorted.body().get(0).detail(), request.path())
                    .withErrors(sorted.body()));
        }
        if (!sorted.parameters().isEmpty()) {
            return ProblemResponses.of(Problem.of(ProblemType.BAD_REQUEST,
                    "Invalid request parameter: " + describe(sorted.parameters()), request.path())
                    .withErrors(sorted.parameters()));
        }
        return ProblemResponses.of(Problem.of(ProblemType.VALIDATION_FAILED,
                "The request body is invalid: " + describe(sorted.bodyFields()), request.path())
                .withErrors(sorted.bodyFields()));
    }

    /** A validation setup error (not a client's fault) would also land here; it is a server failure then. */
    @ServerExceptionMapper
    public Response validation(ValidationException e, HttpServerRequest request) {
        return unexpected(e, request);
    }

    @ServerExceptionMapper
    public Response invalidJson(InvalidJsonException e, HttpServerRequest request) {
        return ProblemResponses.of(JsonProblems.of(e, request.path()));
    }

    /** Mapped one by one, not only by their superclasses: Quarkus REST has its own mappers for some of them. */
    @ServerExceptionMapper
    public Response jsonParse(JsonParseException e, HttpServerRequest request) {
        return ProblemResponses.of(JsonProblems.of(e, request.path()));
    }

    @ServerExceptionMapper
    public Response jsonMismatch(MismatchedInputException e, HttpServerRequest request) {
        return ProblemResponses.of(JsonProblems.mismatch(e, request.path()));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, HttpServerRequest request) {
        return ProblemResponses.of(JsonProblems.of(e, request.path()));
    }

    @ServerExceptionMapper
    public Response jsonMapping(JsonMappingException e, HttpServerRequest request) {
        return ProblemResponses.of(JsonProblems.unmappable(e, request.path()));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class,
            AuthenticationCompletionException.class})
    public Response unauthorized(RuntimeException e, HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return ProblemResponses.of(SecurityProblems.unauthorized(authorization, request.path()),
                SecurityProblems.challenge(authorization));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return ProblemResponses.of(SecurityProblems.forbidden(request.method().name(), request.path()));
    }

    /**
     * JAX-RS answers a path or query value that cannot be converted to its parameter's type with a
     * {@code NotFoundException} that carries the conversion failure; that is a bad request, not a missing resource.
     */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e, HttpServerRequest request) {
        if (e.getCause() != null) {
            // The conversion's message names Java types; the request line is what the client can fix.
            return ProblemResponses.of(Problem.of(ProblemType.BAD_REQUEST, "A path or query parameter of "
                    + request.method() + " " + request.uri() + " has a value that is not of its type",
                    request.path()));
        }
        return ProblemResponses.of(Problem.of(ProblemType.NOT_FOUND,
                "No resource at " + request.path(), request.path()));
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, HttpServerRequest request) {
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (allow == null) {
            allow = allowedMethods.forPath(request.path()).orElse(null);
        }
        String detail = "Method " + request.method() + " is not allowed on " + request.path()
                + (allow == null ? "" : "; allowed: " + allow);
        return ProblemResponses.of(Problem.of(ProblemType.METHOD_NOT_ALLOWED, detail, request.path()),
                allow == null ? Map.of() : Map.of(HttpHeaders.ALLOW, allow));
    }

    @ServerExceptionMapper
    public Response notSupported(NotSupportedException e, HttpServerRequest request) {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        String detail = contentType == null
                ? "The request has no Content-Type; " + request.method() + " " + request.path() + " needs one"
                : "Content type '" + contentType + "' is not supported by " + request.method() + " "
                        + request.path();
        return ProblemResponses.of(Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, detail, request.path()));
    }

    /** Any other status the framework raises keeps its status and its headers (e.g. Allow, Retry-After). */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return ProblemResponses.of(JsonProblems.of(json, request.path()));
        }
        Response original = e.getResponse();
        int status = original.getStatus();
        if (status >= 500) {
            return unexpected(e, request);
        }
        ProblemType type = ProblemType.forStatus(status);
        Map<String, String> headers = new LinkedHashMap<>();
        original.getStringHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)
                    && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                headers.put(name, String.join(", ", values));
            }
        });
        // The framework's own message names its internals (e.g. "@Produces"): the detail is ours, per status.
        String detail = status == ProblemType.NOT_ACCEPTABLE.status()
                ? "No media type in the Accept header ('" + request.getHeader(HttpHeaders.ACCEPT)
                        + "') is one that " + request.method() + " " + request.path() + " answers with"
                : type.title() + ": " + request.method() + " " + request.path();
        return ProblemResponses.of(new Problem(type.uri(), type.title(), status, detail, request.path(), null, null),
                headers);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        if (request.response().headWritten()) {
            // The framework has already answered (e.g. 413 for a chunked body over the limit): nothing to tell the
            // client, and nothing went wrong on our side.
            LOG.debugf("failure after the response was sent for %s %s: %s", request.method(), request.path(), e);
            return Response.status(Response.Status.INTERNAL_SERVER_ERROR).build();
        }
        if (disconnects.gone(e, request)) {
            // Nobody will read this answer; it only closes the exchange.
            return Response.status(Response.Status.BAD_REQUEST).build();
        }
        Problem multipart = multipartFailures.problemFor(e, request.path());
        if (multipart != null) {
            return ProblemResponses.of(multipart);
        }
        String incident = incidents.record(e, request.method() + " " + request.path());
        return ProblemResponses.of(Problem.of(ProblemType.INTERNAL_ERROR,
                "An unexpected error occurred; quote incident " + incident + " when reporting it", request.path())
                .withIncident(incident));
    }

    private static String describe(List<Problem.FieldError> errors) {
        StringBuilder text = new StringBuilder();
        for (Problem.FieldError error : errors) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(error.pointer() != null ? error.pointer() : error.parameter()).append(' ')
                    .append(error.detail());
        }
        return text.toString();
    }
}
