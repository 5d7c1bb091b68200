package dev.modelserving.v2;

import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Counts the V2 inference requests that reach the REST layer, to tell them from those served on the router. */
@Singleton
public class RestLayerInferenceRequests {

    private final AtomicInteger count = new AtomicInteger();

    @ServerRequestFilter(preMatching = true)
    public void count(HttpServerRequest request) {
        if (request.path().startsWith("/v2/models/") && request.path().endsWith("/infer")) {
            count.incrementAndGet();
        }
    }

    int count() {
        return count.get();
    }
}
