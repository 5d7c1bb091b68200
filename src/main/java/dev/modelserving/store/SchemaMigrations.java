package dev.modelserving.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Versioned SQL files run by the reactive client itself, in one transaction under an advisory lock, so that replicas
 * starting together migrate once. Applied versions are recorded with a checksum; an edited migration is refused rather
 * than silently skipped. (No JDBC driver and no migration library: nothing more to make work in a native image than the
 * SQL files, listed here because a native image cannot list a resource directory.)
 */
final class SchemaMigrations {

    /** In order; never edit one that has shipped, add the next. */
    static final List<String> FILES = List.of("V1__users_orders_tasks.sql", "V2__ended_tasks_drop_inputs.sql");
    private static final String DIRECTORY = "db/migration/";
    /** Any constant shared by every replica: the key of the advisory lock. */
    private static final long LOCK = 0x6d6f64656c5fL;

    private final Pool pool;

    SchemaMigrations(Pool pool) {
        this.pool = pool;
    }

    /** Applies the missing migrations; emits how many. */
    Uni<Integer> apply() {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK))
                .chain(() -> tx.query("SELECT to_regclass('schema_migrations') IS NULL").execute())
                .chain(missing -> missing.iterator().next().getBoolean(0)
                        ? tx.query("CREATE TABLE schema_migrations (version int PRIMARY KEY, file text NOT NULL, "
                                + "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute()
                        : Uni.createFrom().item(missing))
                .chain(() -> tx.query("SELECT version, file, checksum FROM schema_migrations").execute())
                .chain(rows -> {
                    Map<Integer, Row> applied = new HashMap<>();
                    rows.forEach(row -> applied.put(row.getInteger("version"), row));
                    return applyMissing(tx, applied, 0, 0);
                }));
    }

    private Uni<Integer> applyMissing(SqlConnection tx, Map<Integer, Row> applied, int index, int count) {
        if (index == FILES.size()) {
            return Uni.createFrom().item(count);
        }
        String file = FILES.get(index);
        int version = index + 1;
        String sql = read(file);
        String checksum = sha256(sql);
        Row done = applied.get(version);
        if (done != null) {
            if (!done.getString("checksum").equals(checksum)) {
                return Uni.createFrom().failure(new IllegalStateException("Migration " + file
                        + " was changed after it was applied (checksum differs); add a new migration instead"));
            }
            return applyMissing(tx, applied, index + 1, count);
        }
        return tx.query(sql).execute()
                .chain(() -> tx.preparedQuery("INSERT INTO schema_migrations (version, file, checksum) "
                        + "VALUES ($1, $2, $3)").execute(Tuple.of(version, file, checksum)))
                .chain(() -> applyMissing(tx, applied, index + 1, count + 1));
    }

    private static String read(String file) {
        try (InputStream in = SchemaMigrations.class.getClassLoader().getResourceAsStream(DIRECTORY + file)) {
            if (in == null) {
                throw new IllegalStateException("Migration " + DIRECTORY + file + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
