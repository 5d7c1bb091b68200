package dev.modelserving.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.DatabaseException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** Small conversions the PostgreSQL stores share. */
public final class Sql {

    /** SQLSTATE of a unique constraint violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    private Sql() {
    }

    /** An id as the database's uuid; empty when it cannot be one (so it names no row). */
    public static Optional<UUID> uuid(String id) {
        if (id == null || id.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    public static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    public static OffsetDateTime timestamp(Instant value) {
        return value == null ? null : value.atOffset(ZoneOffset.UTC);
    }

    /** One page of rows mapped by {@code row}, with the total that {@code countSql} (one number) counts. */
    public static <T> Uni<Page<T>> page(Pool pool, String countSql, Tuple countArguments, String pageSql,
            Tuple pageArguments, Function<Row, T> row) {
        return pool.preparedQuery(countSql).execute(countArguments)
                .map(rows -> rows.iterator().next().getLong(0))
                .flatMap(total -> pool.preparedQuery(pageSql).execute(pageArguments).map(rows -> {
                    List<T> items = new ArrayList<>(rows.size());
                    rows.forEach(r -> items.add(row.apply(r)));
                    return new Page<>(items, total);
                }));
    }

    /** Whether the failure is a unique constraint violation, on the named index if one is given. */
    public static boolean isUniqueViolation(Throwable failure, String index) {
        return failure instanceof DatabaseException db && UNIQUE_VIOLATION.equals(db.getSqlState())
                && (index == null || String.valueOf(db.getMessage()).contains(index));
    }
}
