package dev.modelserving.user;

import dev.modelserving.store.Database;
import dev.modelserving.store.Page;
import dev.modelserving.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.Optional;
import java.util.Set;

/** Users in PostgreSQL: the username is the primary key, so "taken" is decided by the database. */
@ApplicationScoped
@Typed(PgUserStore.class)
public class PgUserStore implements UserStore {

    private static final String COLUMNS = "username, display_name, password_hash, roles, created_at";

    private final Database database;

    public PgUserStore(Database database) {
        this.database = database;
    }

    @Override
    public Uni<Boolean> insertIfAbsent(User user) {
        return database.pool().preparedQuery("INSERT INTO users (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5) "
                + "ON CONFLICT (username) DO NOTHING")
                .execute(Tuple.of(user.username(), user.displayName(), user.passwordHash(), roles(user),
                        Sql.timestamp(user.createdAt())))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Boolean> update(User user) {
        return database.pool().preparedQuery("UPDATE users SET display_name = $2, password_hash = $3, roles = $4 "
                + "WHERE username = $1")
                .execute(Tuple.of(user.username(), user.displayName(), user.passwordHash(), roles(user)))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Optional<User>> find(String username) {
        return database.pool().preparedQuery("SELECT " + COLUMNS + " FROM users WHERE username = $1")
                .execute(Tuple.of(username))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(user(rows.iterator().next())));
    }

    @Override
    public Uni<Page<User>> list(int page, int size) {
        return Sql.page(database.pool(), "SELECT count(*) FROM users", Tuple.tuple(),
                "SELECT " + COLUMNS + " FROM users ORDER BY username LIMIT $1 OFFSET $2",
                Tuple.of(size, (long) page * size), PgUserStore::user);
    }

    private static String[] roles(User user) {
        return user.roles().stream().sorted().toArray(String[]::new);
    }

    private static User user(Row row) {
        return new User(row.getString("username"), row.getString("display_name"), row.getString("password_hash"),
                Set.of(row.getArrayOfStrings("roles")), Sql.instant(row.getOffsetDateTime("created_at")));
    }
}
