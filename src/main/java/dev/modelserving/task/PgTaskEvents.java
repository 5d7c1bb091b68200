package dev.modelserving.task;

import dev.modelserving.store.Database;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

/**
 * Where replicas tell each other of new tasks and of cancels (PostgreSQL {@code LISTEN/NOTIFY}), so that nobody waits
 * for a poll. A notification is sent in the transaction of the change, so it arrives only if the change committed.
 */
final class PgTaskEvents {

    private static final String CHANNEL = "model_serving_tasks";
    private static final String QUEUED = "queued";
    private static final String CANCEL = "cancel:";
    private static final Logger LOG = Logger.getLogger(PgTaskEvents.class);

    private PgSubscriber subscriber;

    /** Listens on a connection of its own, reconnecting every second while the database is away. */
    synchronized void listen(Vertx vertx, Database database, TaskStore.Events events) {
        PgSubscriber listener = PgSubscriber.subscriber(vertx, database.connectOptions())
                .reconnectPolicy(retries -> 1_000L);
        listener.channel(CHANNEL).handler(payload -> {
            if (payload.startsWith(CANCEL)) {
                events.cancelRequested(payload.substring(CANCEL.length()));
            } else {
                events.queued();
            }
        });
        listener.connect().subscribe().with(ok -> LOG.debugf("Listening for task events on '%s'", CHANNEL),
                failure -> LOG.warnf("Not listening for task events (%s): new tasks wait for the next poll and "
                        + "cancels for the next heartbeat", failure.getMessage()));
        subscriber = listener;
    }

    synchronized void stop() {
        if (subscriber != null) {
            subscriber.closeAndForget();
            subscriber = null;
        }
    }

    static Uni<Void> queued(SqlConnection tx) {
        return send(tx, QUEUED);
    }

    static Uni<Void> cancelRequested(SqlConnection tx, String taskId) {
        return send(tx, CANCEL + taskId);
    }

    private static Uni<Void> send(SqlConnection tx, String payload) {
        return tx.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, payload)).replaceWithVoid();
    }
}
