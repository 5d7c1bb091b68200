package dev.modelserving.web;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.lang.reflect.Method;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * A request without {@code Content-Type} to an operation that declares what it consumes is a 415, as the README says.
 * Left to itself the framework matches such a request to any {@code @Consumes} and reads the body as whatever the
 * operation takes: a picture endpoint classified an untyped body, an order endpoint parsed it as JSON.
 */
public class ContentTypeRequired {

    /**
     * A Content-Type that is not a media type at all ({@code Content-Type: Bearer x}, an empty one) is a 415 before the
     * framework tries to match it to an operation, which fails on it as on a bug of ours.
     */
    @ServerRequestFilter(preMatching = true)
    public void rejectUnparsableContentType(HttpServerRequest request) {
        String given = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (given == null || !carriesBody(request.method())) {
            return;
        }
        try {
            MediaType.valueOf(given);
        } catch (IllegalArgumentException notAMediaType) {
            String shown = given.length() > 100 ? given.substring(0, 100) + "..." : given;
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "The Content-Type '" + shown + "' is not a media type");
        }
    }

    @ServerRequestFilter
    public void requireContentType(SimpleResourceInfo resource, HttpServerRequest request) {
        // Cheap checks first: most requests have a Content-Type or no body by their method.
        if (request.getHeader(HttpHeaders.CONTENT_TYPE) != null || !carriesBody(request.method())
                || !declaresConsumes(resource)) {
            return;
        }
        throw new NotSupportedException();
    }

    private static boolean carriesBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }

    private static boolean declaresConsumes(SimpleResourceInfo resource) {
        if (resource.getResourceClass() == null) {
            return false;
        }
        if (resource.getResourceClass().isAnnotationPresent(Consumes.class)) {
            return true;
        }
        try {
            Method method = resource.getResourceClass().getMethod(resource.getMethodName(),
                    resource.parameterTypes());
            return method.isAnnotationPresent(Consumes.class) && !method.isAnnotationPresent(UntypedBodyAccepted.class);
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
