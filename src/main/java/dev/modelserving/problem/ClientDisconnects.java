package dev.modelserving.problem;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.channels.ClosedChannelException;
import org.jboss.logging.Logger;

/**
 * A client that closes its connection in the middle of a request (a timeout, a cancelled call, a crashed pod) is not a
 * server failure: nobody is left to read a problem document, and an incident with a stack trace would send an operator
 * looking for a bug that is not there. Such failures are counted and logged in one short line.
 */
@ApplicationScoped
public class ClientDisconnects {

    private static final Logger LOG = Logger.getLogger(ClientDisconnects.class);
    private static final int MAX_CAUSES = 10;

    private final Counter disconnects;

    public ClientDisconnects(MeterRegistry metrics) {
        this.disconnects = Counter.builder("http.client.disconnects")
                .description("Requests whose client closed the connection before the answer").register(metrics);
    }

    /** Whether {@code failure} is the client having gone away; if so, it is counted and logged here. */
    public boolean gone(Throwable failure, HttpServerRequest request) {
        if (!request.response().closed() && !causedByClosedConnection(failure)) {
            return false;
        }
        disconnects.increment();
        LOG.debugf("%s %s: the client closed the connection before the answer", request.method(), request.path());
        return true;
    }

    private static boolean causedByClosedConnection(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof HttpClosedException || cause instanceof ClosedChannelException) {
                return true;
            }
        }
        return false;
    }
}
