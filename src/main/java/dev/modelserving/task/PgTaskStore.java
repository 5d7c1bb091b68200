package dev.modelserving.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.store.Database;
import dev.modelserving.store.Page;
import dev.modelserving.store.Sql;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable task queue in PostgreSQL, shared by every replica. Workers claim with one statement ({@code FOR
 * UPDATE SKIP LOCKED} in a materialized CTE, then {@code UPDATE ... RETURNING}), so two replicas never take the same
 * task; every write a worker makes afterwards is conditional on {@code worker} and {@code attempts} still being its
 * own. Leases and due times use the database's {@code now()}, never a pod's clock.
 */
@ApplicationScoped
@Typed(PgTaskStore.class)
public class PgTaskStore implements TaskStore {

    private static final String HELD = "t.id = $1 AND t.worker = $2 AND t.attempts = $3 AND t.state = 'RUNNING'";
    private static final String TERMINAL = "('SUCCEEDED', 'FAILED', 'CANCELLED')";
    /** Rows per statement when rescuing and evicting, so that no statement holds many locks for long. */
    private static final int BATCH = 500;

    private final Database database;
    private final Vertx vertx;
    private final PgTaskRows taskRows;
    private final PgTaskEvents events = new PgTaskEvents();

    public PgTaskStore(Database database, ObjectMapper json, Vertx vertx) {
        this.database = database;
        this.vertx = vertx;
        this.taskRows = new PgTaskRows(json);
    }

    @Override
    public void listen(Events listener) {
        events.listen(vertx, database, listener);
    }

    @PreDestroy
    void stopListening() {
        events.stop();
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public Uni<Void> enqueue(Task task, byte[] input, TaskWrite alongside) {
        UUID id = UUID.fromString(task.id());
        return database.pool().withTransaction(tx -> tx.preparedQuery("INSERT INTO tasks (id, kind, owner, state, "
                + "progress_total, max_attempts, run_at, result, submitted_at) "
                + "VALUES ($1, $2, $3, 'QUEUED', $4, $5, now(), $6::text::jsonb, $7)")
                .execute(Tuple.from(new Object[]{id, task.kind(), task.owner(), task.progress().total(),
                        task.maxAttempts(), taskRows.write(task.result()), Sql.timestamp(task.submittedAt())}))
                .chain(() -> tx.preparedQuery("INSERT INTO task_inputs (task_id, payload) VALUES ($1, $2)")
                        .execute(Tuple.of(id, Buffer.buffer(input))))
                .chain(() -> apply(tx, alongside))
                .chain(() -> PgTaskEvents.queued(tx)));
    }

    @Override
    public Uni<Optional<Task>> find(String id) {
        Optional<UUID> uuid = Sql.uuid(id);
        if (uuid.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return database.pool().preparedQuery("SELECT " + PgTaskRows.COLUMNS + " FROM tasks t WHERE t.id = $1")
                .execute(Tuple.of(uuid.get())).map(taskRows::first);
    }

    @Override
    public Uni<Page<Task>> list(Optional<String> owner, Optional<TaskState> state, int page, int size) {
        String where = " FROM tasks t WHERE ($1::text IS NULL OR t.owner = $1) AND ($2::text IS NULL OR t.state = $2)";
        Tuple filter = Tuple.of(owner.orElse(null), state.map(Enum::name).orElse(null));
        return Sql.page(database.pool(), "SELECT count(*)" + where, filter,
                "SELECT " + PgTaskRows.COLUMNS + where + " ORDER BY t.submitted_at DESC, t.id LIMIT $3 OFFSET $4",
                Tuple.of(filter.getValue(0), filter.getValue(1), size, (long) page * size), taskRows::task);
    }

    @Override
    public Uni<Counts> counts() {
        return database.pool().query("SELECT count(*) FILTER (WHERE state = 'QUEUED'), "
                + "count(*) FILTER (WHERE state = 'RUNNING') FROM tasks WHERE state IN ('QUEUED', 'RUNNING')")
                .execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Counts(row.getLong(0).intValue(), row.getLong(1).intValue());
                });
    }

    @Override
    public Uni<List<Claim>> claim(String worker, int max, Duration lease) {
        return database.pool().preparedQuery("WITH due AS MATERIALIZED (SELECT id FROM tasks WHERE state = 'QUEUED' "
                + "AND run_at <= now() ORDER BY submitted_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
                + "UPDATE tasks t SET state = 'RUNNING', attempts = t.attempts + 1, worker = $1, "
                + "lease_until = now() + $3 * interval '1 millisecond', heartbeat_at = now(), "
                + "started_at = COALESCE(t.started_at, now()) FROM due WHERE t.id = due.id RETURNING "
                + PgTaskRows.COLUMNS
                + ", (SELECT i.payload FROM task_inputs i WHERE i.task_id = t.id) AS input")
                .execute(Tuple.of(worker, max, lease.toMillis()))
                .map(rows -> {
                    List<Claim> claims = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        claims.add(new Claim(taskRows.task(row), row.getBuffer("input").getBytes()));
                    }
                    return claims;
                });
    }

    @Override
    public Uni<Optional<Boolean>> heartbeat(Lease lease, Duration extension) {
        return database.pool().preparedQuery("UPDATE tasks t SET lease_until = now() + $4 * interval '1 millisecond', "
                + "heartbeat_at = now() WHERE " + HELD + " RETURNING t.cancel_requested")
                .execute(held(lease).addLong(extension.toMillis()))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(rows.iterator().next().getBoolean(0)));
    }

    @Override
    public Uni<Void> progress(Lease lease, int completed) {
        return database.pool().preparedQuery("UPDATE tasks t SET progress_completed = $4 WHERE " + HELD)
                .execute(held(lease).addInteger(completed)).replaceWithVoid();
    }

    @Override
    public Uni<Optional<Task>> finish(Lease lease, Ending ending, Ending ifCancelRequested) {
        return database.pool().withTransaction(tx -> tx.preparedQuery("SELECT t.cancel_requested FROM tasks t "
                + "WHERE " + HELD + " FOR UPDATE").execute(held(lease))
                .flatMap(rows -> rows.size() == 0
                        ? Uni.createFrom().item(Optional.<Task>empty())
                        : end(tx, lease, rows.iterator().next().getBoolean(0) ? ifCancelRequested : ending)));
    }

    private Uni<Optional<Task>> end(SqlConnection tx, Lease lease, Ending ending) {
        return tx.preparedQuery("UPDATE tasks t SET state = $4, "
                + "finished_at = now(), error = $5::text::jsonb, reason = $6, lease_until = NULL, "
                + "progress_completed = CASE WHEN $4 = 'SUCCEEDED' THEN t.progress_total ELSE t.progress_completed "
                + "END WHERE " + HELD + " RETURNING " + PgTaskRows.COLUMNS)
                .execute(held(lease).addString(ending.state().name()).addString(taskRows.write(ending.error()))
                        .addString(ending.reason()))
                .map(taskRows::first)
                .flatMap(ended -> ended.isEmpty()
                        ? Uni.createFrom().item(ended)
                        : apply(tx, ending.write()).chain(() -> dropInput(tx, lease.taskId())).replaceWith(ended));
    }

    /** An ended task's input goes with its end, in the same transaction: nothing needs it afterwards. */
    private static Uni<Void> dropInput(SqlConnection tx, String taskId) {
        return tx.preparedQuery("DELETE FROM task_inputs WHERE task_id = $1").execute(Tuple.of(UUID.fromString(taskId)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Optional<Task>> requestCancel(String id, Endings endings) {
        Optional<UUID> uuid = Sql.uuid(id);
        if (uuid.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return database.pool().withTransaction(tx -> tx.preparedQuery("SELECT " + PgTaskRows.COLUMNS
                + " FROM tasks t WHERE t.id = $1 FOR UPDATE").execute(Tuple.of(uuid.get())).map(taskRows::first)
                .flatMap(found -> {
                    if (found.isEmpty() || found.get().state().isTerminal()) {
                        return Uni.createFrom().item(found);
                    }
                    Task task = found.get();
                    if (task.state() == TaskState.RUNNING) {
                        return update(tx, "UPDATE tasks t SET cancel_requested = true WHERE t.id = $1 RETURNING "
                                + PgTaskRows.COLUMNS, Tuple.of(uuid.get()))
                                .call(() -> PgTaskEvents.cancelRequested(tx, id));
                    }
                    Ending ending = endings.of(task, TaskState.CANCELLED, TaskEndings.REASON_CANCELLED);
                    return update(tx, "UPDATE tasks t SET state = 'CANCELLED', finished_at = now(), "
                            + "error = $2::text::jsonb, reason = $3 WHERE t.id = $1 RETURNING " + PgTaskRows.COLUMNS,
                            Tuple.of(uuid.get(), taskRows.write(ending.error()), ending.reason()))
                            .call(() -> apply(tx, ending.write()))
                            .call(() -> dropInput(tx, id));
                }));
    }

    @Override
    public Uni<List<Task>> rescueExpired(Duration backoff, Endings endings) {
        // One statement decides each expired task's fate by the rules of TaskEndings: requeue with backoff, or end.
        String sql = "WITH expired AS MATERIALIZED (SELECT id FROM tasks WHERE state = 'RUNNING' "
                + "AND lease_until < now() ORDER BY lease_until LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED), "
                + "decided AS (SELECT t.id, CASE WHEN t.cancel_requested THEN 'CANCELLED' "
                + "WHEN t.attempts >= t.max_attempts THEN 'FAILED' ELSE 'QUEUED' END AS next "
                + "FROM tasks t JOIN expired e ON e.id = t.id) "
                + "UPDATE tasks t SET state = d.next, lease_until = NULL, "
                + "run_at = CASE WHEN d.next = 'QUEUED' THEN now() + $1 * interval '1 millisecond' "
                + "* power(2, LEAST(6, GREATEST(0, t.attempts - 1))) ELSE t.run_at END, "
                + "finished_at = CASE WHEN d.next = 'QUEUED' THEN NULL ELSE now() END "
                + "FROM decided d WHERE t.id = d.id RETURNING " + PgTaskRows.COLUMNS;
        return database.pool().withTransaction(tx -> tx.preparedQuery(sql).execute(Tuple.of(backoff.toMillis()))
                .map(taskRows::all)
                .flatMap(moved -> Multi.createFrom().iterable(moved)
                        .onItem().transformToUniAndConcatenate(task -> settle(tx, task, endings))
                        .collect().asList()));
    }

    /**
     * Writes why a rescued task moved (and, for an end, the ending's write). The lost worker's name stays on the row
     * until here, so that the message can name it.
     */
    private Uni<Task> settle(SqlConnection tx, Task task, Endings endings) {
        if (task.state() == TaskState.QUEUED) {
            return update(tx, "UPDATE tasks t SET error = $2::text::jsonb, worker = NULL WHERE t.id = $1 RETURNING "
                    + PgTaskRows.COLUMNS,
                    Tuple.of(UUID.fromString(task.id()), taskRows.write(TaskEndings.lostWorker(task))))
                    .map(Optional::orElseThrow);
        }
        Ending ending = endings.of(task, task.state(), TaskEndings.reasonAfterLostWorker(task.state()));
        return update(tx, "UPDATE tasks t SET error = $2::text::jsonb, reason = $3 WHERE t.id = $1 RETURNING "
                + PgTaskRows.COLUMNS,
                Tuple.of(UUID.fromString(task.id()), taskRows.write(ending.error()), ending.reason()))
                .call(() -> apply(tx, ending.write()))
                .call(() -> dropInput(tx, task.id()))
                .map(Optional::orElseThrow);
    }

    @Override
    public Uni<Integer> release(String worker) {
        return database.pool().withTransaction(tx -> tx.preparedQuery("UPDATE tasks SET state = 'QUEUED', "
                + "worker = NULL, lease_until = NULL, attempts = attempts - 1, run_at = now() "
                + "WHERE worker = $1 AND state = 'RUNNING'")
                .execute(Tuple.of(worker)).map(RowSet::rowCount)
                .call(released -> released > 0 ? PgTaskEvents.queued(tx) : Uni.createFrom().voidItem()));
    }

    @Override
    public Uni<Integer> evictEndedBefore(Duration retention) {
        return evictBatch(retention, 0);
    }

    private Uni<Integer> evictBatch(Duration retention, int sofar) {
        return database.pool().preparedQuery("DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE state IN "
                + TERMINAL + " AND finished_at < now() - $1 * interval '1 millisecond' LIMIT " + BATCH + ")")
                .execute(Tuple.of(retention.toMillis()))
                .flatMap(rows -> rows.rowCount() == BATCH
                        ? evictBatch(retention, sofar + BATCH)
                        : Uni.createFrom().item(sofar + rows.rowCount()));
    }

    @Override
    public Uni<Long> inputBytes() {
        return database.pool().query("SELECT COALESCE(sum(octet_length(payload)), 0) FROM task_inputs").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private Uni<Optional<Task>> update(SqlConnection tx, String sql, Tuple arguments) {
        return tx.preparedQuery(sql).execute(arguments).map(taskRows::first);
    }

    private static Uni<Void> apply(SqlConnection tx, TaskWrite write) {
        if (write instanceof TaskWrite.Sql sql) {
            return sql.apply(tx);
        }
        if (write == TaskWrite.NONE || write == null) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().failure(new IllegalArgumentException("the PostgreSQL task store cannot apply "
                + write.getClass()));
    }

    private static Tuple held(Lease lease) {
        return Tuple.of(UUID.fromString(lease.taskId()), lease.worker(), lease.attempt());
    }
}
