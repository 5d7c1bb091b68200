package dev.modelserving.task;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;

/**
 * A write that belongs with a task's change of state — the order a task fills, created with it and completed or ended
 * with it — applied by the task store in the same step, only when the change happens. Each store family applies its own
 * kind: the stores of one kind are always chosen together ({@code app.store}).
 */
public interface TaskWrite {

    /** Nothing to write. */
    TaskWrite NONE = new TaskWrite() {
    };

    /** Applied by the in-memory task store while it holds the task. */
    interface InMemory extends TaskWrite {
        void apply(Instant at);
    }

    /** Applied by the PostgreSQL task store inside the transaction that changes the task. */
    interface Sql extends TaskWrite {
        Uni<Void> apply(SqlConnection transaction);
    }
}
