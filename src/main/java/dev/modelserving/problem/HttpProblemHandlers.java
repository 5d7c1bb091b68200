package dev.modelserving.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Problem documents for failures that never reach the REST layer: a path no route serves, a body over the size limit, a
 * failure inside an HTTP handler (a {@link ProblemException} answered as the REST layer answers it). Without these the
 * client would get Vert.x's plain-text or HTML pages.
 */
@ApplicationScoped
public class HttpProblemHandlers {

    private static final Logger LOG = Logger.getLogger(HttpProblemHandlers.class);
    /** Before the framework's own body-limit check, which would answer 413 with an empty body. */
    private static final int BODY_LIMIT_PRIORITY = 9_000;

    private final ObjectMapper json;
    private final IncidentLog incidents;
    private final ClientDisconnects disconnects;
    private final MultipartFailures multipartFailures;
    private final long maxBodyBytes;

    public HttpProblemHandlers(ObjectMapper json, IncidentLog incidents, ClientDisconnects disconnects,
            MultipartFailures multipartFailures,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBody) {
        this.json = json;
        this.incidents = incidents;
        this.disconnects = disconnects;
        this.multipartFailures = multipartFailures;
        this.maxBodyBytes = maxBody.asLongValue();
    }

    void checkDeclaredBodySize(@Observes Filters filters) {
        filters.register(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && declaredTooLarge(length)) {
                // Answer before the body arrives, then hang up: the unread body would be misread as the next
                // request, and reading it only to discard it would waste the bandwidth the limit protects.
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                write(ctx, tooLargeProblem(ctx)).onComplete(ignored -> ctx.request().connection().close());
            } else {
                ctx.next();
            }
        }, BODY_LIMIT_PRIORITY);
    }

    private boolean declaredTooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false; // Vert.x rejects a malformed Content-Length itself.
        }
    }

    void install(@Observes Router router) {
        router.errorHandler(404, ctx -> send(ctx, ProblemType.NOT_FOUND, "No resource at " + ctx.request().path()));
        router.errorHandler(405, ctx -> send(ctx, ProblemType.METHOD_NOT_ALLOWED,
                "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path()));
        router.errorHandler(413, this::tooLarge);
        router.errorHandler(415, ctx -> send(ctx, ProblemType.UNSUPPORTED_MEDIA_TYPE,
                "Content type '" + ctx.request().getHeader(HttpHeaders.CONTENT_TYPE) + "' is not supported"));
        // First among failure handlers, so that framework failures get a problem body instead of the default page.
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failure);
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        Problem multipart = ctx.failure() == null
                ? null
                : multipartFailures.problemFor(ctx.failure(), ctx.request().path());
        if (status == 413) {
            tooLarge(ctx);
        } else if (status >= 400 && status < 500) {
            ProblemType type = ProblemType.forStatus(status);
            send(ctx, type, type.title() + ": " + ctx.request().method() + " " + ctx.request().path());
        } else if (ctx.failure() != null && disconnects.gone(ctx.failure(), ctx.request())) {
            ctx.response().close();
        } else if (ctx.failure() != null && ctx.response().headWritten()) {
            // Answered already (a parser that fails again after its first failure was answered): nothing to add.
            LOG.debugf("failure after the response was sent for %s %s: %s", ctx.request().method(),
                    ctx.request().path(), ctx.failure());
        } else if (ctx.failure() instanceof ForbiddenException) {
            // A path's permission policy (quarkus.http.auth.permission.*) refused a verified caller.
            write(ctx, SecurityProblems.forbidden(ctx.request().method().name(), ctx.request().path()));
        } else if (ctx.failure() instanceof UnauthorizedException
                || ctx.failure() instanceof AuthenticationFailedException) {
            String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            SecurityProblems.challenge(authorization).forEach(ctx.response()::putHeader);
            write(ctx, SecurityProblems.unauthorized(authorization, ctx.request().path()));
        } else if (ctx.failure() instanceof ProblemException problem) {
            // From handlers that serve a request on the router itself (V2 inference's): as the REST layer answers.
            problem.headers().forEach(ctx.response()::putHeader);
            write(ctx, problem.problem(ctx.request().path()));
        } else if (ctx.failure() instanceof InvalidJsonException json) {
            write(ctx, JsonProblems.of(json, ctx.request().path()));
        } else if (multipart != null) {
            write(ctx, multipart);
        } else if (ctx.failure() != null || status >= 500) {
            String incident = incidents.record(ctx.failure(), ctx.request().method() + " " + ctx.request().path());
            Problem problem = Problem.of(ProblemType.INTERNAL_ERROR,
                    "An unexpected error occurred; quote incident " + incident + " when reporting it",
                    ctx.request().path()).withIncident(incident);
            write(ctx, problem);
        } else {
            ctx.next();
        }
    }

    private void tooLarge(RoutingContext ctx) {
        write(ctx, tooLargeProblem(ctx));
    }

    private Problem tooLargeProblem(RoutingContext ctx) {
        return Problem.of(ProblemType.PAYLOAD_TOO_LARGE,
                "The request body is larger than the " + maxBodyBytes + " bytes this server accepts",
                ctx.request().path());
    }

    private void send(RoutingContext ctx, ProblemType type, String detail) {
        write(ctx, Problem.of(type, detail, ctx.request().path()));
    }

    private Future<Void> write(RoutingContext ctx, Problem problem) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            // The status line is already on the wire; all that is left is to stop.
            response.close();
            return Future.succeededFuture();
        }
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"title\":\"" + problem.title() + "\",\"status\":" + problem.status() + "}";
        }
        response.setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        return response.end(body);
    }
}
