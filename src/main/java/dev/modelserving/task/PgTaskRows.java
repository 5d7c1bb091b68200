package dev.modelserving.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.problem.Problem;
import dev.modelserving.store.Sql;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How a task is kept in a row of the {@code tasks} table: the columns read, and the JSON ones written. */
final class PgTaskRows {

    /** What every query that returns tasks selects, from {@code tasks t}. */
    static final String COLUMNS = "t.id, t.kind, t.owner, t.state, t.progress_completed, t.progress_total, "
            + "t.attempts, t.max_attempts, t.worker, t.cancel_requested, t.result::text AS result, "
            + "t.error::text AS error, t.reason, t.submitted_at, t.started_at, t.finished_at";

    private final ObjectMapper json;

    PgTaskRows(ObjectMapper json) {
        this.json = json;
    }

    Optional<Task> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(task(rows.iterator().next()));
    }

    List<Task> all(RowSet<Row> rows) {
        List<Task> tasks = new ArrayList<>(rows.size());
        rows.forEach(row -> tasks.add(task(row)));
        return tasks;
    }

    Task task(Row row) {
        String result = row.getString("result");
        return new Task(row.getUUID("id").toString(), row.getString("kind"), row.getString("owner"),
                TaskState.valueOf(row.getString("state")),
                new Task.Progress(row.getInteger("progress_completed"), row.getInteger("progress_total")),
                Sql.instant(row.getOffsetDateTime("submitted_at")), Sql.instant(row.getOffsetDateTime("started_at")),
                Sql.instant(row.getOffsetDateTime("finished_at")),
                result == null ? null : new Task.Result(new JsonObject(result).getString("location")),
                read(row.getString("error")), row.getString("reason"), row.getInteger("attempts"),
                row.getInteger("max_attempts"), row.getString("worker"), row.getBoolean("cancel_requested"));
    }

    /** A value as JSON text for a {@code jsonb} column; null stays null. */
    String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot store " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private Problem read(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return json.readValue(stored, Problem.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored problem is not readable", e);
        }
    }
}
