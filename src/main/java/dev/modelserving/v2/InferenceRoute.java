package dev.modelserving.v2;

import dev.modelserving.inference.PredictionContext;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * V2 inference served on the HTTP router, for the requests that need nothing else of the REST layer: a bearer token
 * that verifies, a body of declared length, a content type and an {@code Accept} that {@link InferenceResource}'s
 * inference takes. Every other request (no or a bad token, another content type, a chunked body) goes on to that
 * resource, which answers it as before, with the problem for what is wrong; failures here are answered by the router's
 * failure handler with the same problems.
 * <p>
 * Why: the REST layer's work around a batch 1 request (its security check, handler chain and writer lookup) cost more
 * of the server's CPU than the model's run: 161-199 µs a binary request through it, 82-116 µs here (paired runs under
 * wrk on the 2-core build machine; ONNX Runtime's share about 10 µs of either). The body is read and the answer written
 * here, on the event loop; the request is parsed, checked and run on the inference runners, by the same
 * {@link TensorInference} as the resource's.
 */
@ApplicationScoped
public class InferenceRoute {

    private static final Logger LOG = Logger.getLogger(InferenceRoute.class);

    /**
     * After the request id, access log and declared body-size filters and after CORS ({@code -300}); before HTTP
     * authentication ({@code -200}), whose lazy set-up each request would pay for a token checked here, path
     * permissions (see {@link #mount}), compression (none is configured) and REST.
     */
    private static final int ROUTE_ORDER = -250;
    private static final String PERMISSIONS = "quarkus.http.auth.permission.";
    private static final String BEARER_HEADER = "Authorization";
    private static final String CONTINUE = "100-continue";

    private final TensorInference inference;
    private final BearerCallers callers;

    public InferenceRoute(TensorInference inference, BearerCallers callers) {
        this.inference = inference;
        this.callers = callers;
    }

    /**
     * Mounted unless HTTP permissions are configured: the route checks the token as the resource's
     * {@code @Authenticated} does, not path policies, so with any it leaves every request to the REST layer.
     */
    void mount(@Observes Router router) {
        for (String property : ConfigProvider.getConfig().getPropertyNames()) {
            if (property.startsWith(PERMISSIONS)) {
                LOG.infof("V2 inference is served by the REST layer only: %s* is configured", PERMISSIONS);
                return;
            }
        }
        router.post("/v2/models/:name/infer").order(ROUTE_ORDER).handler(this::serve);
        router.post("/v2/models/:name/versions/:version/infer").order(ROUTE_ORDER).handler(this::serve);
    }

    private void serve(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        JsonWebToken caller = servable(ctx) ? callers.verified(request.getHeader(BEARER_HEADER)) : null;
        if (caller == null) {
            ctx.next();
            return;
        }
        String name = ctx.pathParam("name");
        String version = ctx.pathParam("version");
        String binaryHeaderLength = request.getHeader(BinaryTensors.HEADER);
        PredictionContext context = PredictionContext.ofRequest(caller.getName());
        request.body().onComplete(read -> {
            if (read.failed()) {
                // The client went away mid-body, most likely: the failure handler tells that from a fault.
                ctx.fail(read.cause());
                return;
            }
            Cancellable running = inference.infer(name, version, read.result().getBytes(), binaryHeaderLength, context)
                    .subscribe().with(answer -> answer(ctx, answer), ctx::fail);
            // A client that hangs up while its request waits for a runner: the request is dropped unrun.
            ctx.addEndHandler(ended -> {
                if (ended.failed()) {
                    running.cancel();
                }
            });
        });
        if (CONTINUE.equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            // A client that waits for leave to send its body (curl does above 1 MB) gets it now, as from REST.
            ctx.response().writeContinue();
        }
        // The router holds requests paused until a handler wants their body.
        request.resume();
    }

    /**
     * Whether the REST layer would take this request as it comes (the token aside, checked next), with a body still to
     * read: its declared length was checked against the body limit by a filter before this route.
     */
    private static boolean servable(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        return request.getHeader(HttpHeaders.CONTENT_LENGTH) != null && !request.isEnded()
                && takes(request.getHeader(HttpHeaders.CONTENT_TYPE))
                && (request.getHeader(HttpHeaders.ACCEPT) == null || accepts(ctx.parsedHeaders().accept()));
    }

    /** JSON, or binary tensors as octet-stream or untyped (Triton's client sends no content type). */
    private static boolean takes(String contentType) {
        if (contentType == null) {
            return true;
        }
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
        return (type.equalsIgnoreCase(MediaType.APPLICATION_JSON)
                || type.equalsIgnoreCase(MediaType.APPLICATION_OCTET_STREAM))
                && (parameters < 0 || mediaType(contentType));
    }

    /** Whether parameters and all, it is a media type (the REST layer answers one that is not with a 415). */
    private static boolean mediaType(String contentType) {
        try {
            MediaType.valueOf(contentType);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** An {@code Accept} with JSON, octet-stream or a wildcard among its types (not at q=0). */
    private static boolean accepts(List<MIMEHeader> accepted) {
        for (MIMEHeader type : accepted) {
            if (type.weight() > 0 && (type.component().equals("*") || type.component().equalsIgnoreCase("application")
                    && (type.subComponent().equals("*") || type.subComponent().equalsIgnoreCase("json")
                            || type.subComponent().equalsIgnoreCase("octet-stream")))) {
                return true;
            }
        }
        return false;
    }

    /** Written on the event loop the request came in on: the runners hand answers back to the caller's context. */
    private void answer(RoutingContext ctx, TensorInference.Answer answer) {
        HttpServerResponse response = ctx.response();
        if (answer.binaryBody() == null) {
            byte[] json;
            try {
                json = inference.json(answer.json());
            } catch (RuntimeException e) {
                ctx.fail(e);
                return;
            }
            response.putHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                    .end(Buffer.buffer(json));
        } else {
            response.putHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_OCTET_STREAM)
                    .putHeader(BinaryTensors.HEADER, String.valueOf(answer.headerLength()))
                    .end(Buffer.buffer(answer.binaryBody()));
        }
    }
}
