package dev.modelserving.store;

import io.vertx.sqlclient.DatabaseException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

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

    /** Whether the failure is a unique constraint violation, on the named index if one is given. */
    public static boolean isUniqueViolation(Throwable failure, String index) {
        return failure instanceof DatabaseException db && UNIQUE_VIOLATION.equals(db.getSqlState())
                && (index == null || String.valueOf(db.getMessage()).contains(index));
    }
}
