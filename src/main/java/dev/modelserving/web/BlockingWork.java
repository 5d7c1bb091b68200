package dev.modelserving.web;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * Runs blocking work (bcrypt, file reads, short CPU-bound jobs) on Vert.x worker threads so that the event loop only
 * routes. Within a request the work keeps the request's Vert.x context, so its log lines carry the request id and the
 * result is delivered back on the request's event loop.
 */
@ApplicationScoped
public class BlockingWork {

    public <T> Uni<T> run(Supplier<T> work) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        // Unordered: requests on the same event loop must not queue behind each other's blocking work.
        return Uni.createFrom().completionStage(() -> context.executeBlocking(work::get, false).toCompletionStage());
    }
}
