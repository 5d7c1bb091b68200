package dev.modelserving.order;

import dev.modelserving.store.Database;
import dev.modelserving.store.Page;
import dev.modelserving.store.Sql;
import dev.modelserving.task.TaskWrite;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Orders in PostgreSQL, their products one row each (keyed by order and position, so an order cannot be completed
 * twice). Lists are served newest first by the (owner|status, created_at) indexes.
 */
@ApplicationScoped
@Typed(PgOrderStore.class)
public class PgOrderStore implements OrderStore {

    private static final String IDEMPOTENCY_INDEX = "orders_idempotency";
    private static final String SELECT = "SELECT o.id, o.owner, o.status, o.created_at, o.completed_at, o.item_count, "
            + "o.total, o.currency, o.reason, o.task_id, o.idempotency_key, "
            + "COALESCE((SELECT json_agg(json_build_object("
            + "'id', p.id, 'label', p.label, 'confidence', p.confidence, 'price', p.price) ORDER BY p.position) "
            + "FROM products p WHERE p.order_id = o.id), '[]'::json) AS products FROM orders o ";

    private final Database database;

    public PgOrderStore(Database database) {
        this.database = database;
    }

    @Override
    public Uni<Void> insert(Order order) {
        return database.pool().withTransaction(tx -> insertOrder(tx, order)
                .chain(() -> insertProducts(tx, order.id(), order.products())));
    }

    @Override
    public TaskWrite insertion(Order order) {
        return (TaskWrite.Sql) tx -> insertOrder(tx, order);
    }

    /** Fails with {@link DuplicateOrderException} when the owner already used the idempotency key. */
    private static Uni<Void> insertOrder(SqlClient client, Order order) {
        return client.preparedQuery("INSERT INTO orders (id, owner, status, created_at, completed_at, item_count, "
                + "total, currency, reason, task_id, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                + "$11)")
                .execute(Tuple.from(new Object[]{UUID.fromString(order.id()), order.owner(), order.status().name(),
                        Sql.timestamp(order.createdAt()), Sql.timestamp(order.completedAt()), order.itemCount(),
                        order.total(), order.currency(), order.reason(),
                        order.taskId() == null ? null : UUID.fromString(order.taskId()), order.idempotencyKey()}))
                .replaceWithVoid()
                .onFailure(f -> Sql.isUniqueViolation(f, IDEMPOTENCY_INDEX))
                .transform(f -> new DuplicateOrderException());
    }

    private static Uni<Void> insertProducts(SqlClient client, String orderId, List<Product> products) {
        if (products.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID order = UUID.fromString(orderId);
        List<Tuple> rows = new ArrayList<>(products.size());
        for (int i = 0; i < products.size(); i++) {
            Product p = products.get(i);
            rows.add(Tuple.of(order, i, UUID.fromString(p.id()), p.label(), p.confidence(), p.price()));
        }
        return client.preparedQuery("INSERT INTO products (order_id, position, id, label, confidence, price) "
                + "VALUES ($1, $2, $3, $4, $5, $6)").executeBatch(rows).replaceWithVoid();
    }

    @Override
    public Uni<Optional<Order>> find(String id) {
        Optional<UUID> uuid = Sql.uuid(id);
        if (uuid.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return database.pool().preparedQuery(SELECT + "WHERE o.id = $1").execute(Tuple.of(uuid.get()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(order(rows.iterator().next())));
    }

    @Override
    public Uni<Optional<Order>> findByIdempotencyKey(String owner, String key) {
        return database.pool().preparedQuery(SELECT + "WHERE o.owner = $1 AND o.idempotency_key = $2")
                .execute(Tuple.of(owner, key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(order(rows.iterator().next())));
    }

    @Override
    public Uni<Page<Order>> listByOwner(String owner, int page, int size) {
        return page("WHERE o.owner = $1", Tuple.of(owner), page, size);
    }

    @Override
    public Uni<Page<Order>> list(Optional<OrderStatus> status, int page, int size) {
        return status.isPresent()
                ? page("WHERE o.status = $1", Tuple.of(status.get().name()), page, size)
                : page("", Tuple.tuple(), page, size);
    }

    private Uni<Page<Order>> page(String where, Tuple filter, int page, int size) {
        int next = filter.size() + 1;
        Tuple paged = Tuple.tuple();
        for (int i = 0; i < filter.size(); i++) {
            paged.addValue(filter.getValue(i));
        }
        paged.addValue(size).addValue((long) page * size);
        return Sql.page(database.pool(), "SELECT count(*) FROM orders o " + where, filter,
                SELECT + where + " ORDER BY o.created_at DESC, o.id LIMIT $" + next + " OFFSET $" + (next + 1), paged,
                PgOrderStore::order);
    }

    @Override
    public TaskWrite completion(String id, List<Product> products) {
        long total = products.stream().mapToLong(Product::price).sum();
        return (TaskWrite.Sql) tx -> tx.preparedQuery("UPDATE orders SET status = 'COMPLETED', completed_at = now(), "
                + "total = $2, reason = NULL WHERE id = $1 AND status = 'PROCESSING'")
                .execute(Tuple.of(UUID.fromString(id), total))
                .flatMap(rows -> rows.rowCount() == 1 ? insertProducts(tx, id, products) : Uni.createFrom().voidItem());
    }

    @Override
    public TaskWrite endingOfTask(String taskId, OrderStatus status, String reason) {
        return (TaskWrite.Sql) tx -> ending(tx, taskId, status, reason);
    }

    private static Uni<Void> ending(SqlConnection tx, String taskId, OrderStatus status, String reason) {
        return tx.preparedQuery("UPDATE orders SET status = $2, reason = $3, completed_at = now() "
                + "WHERE task_id = $1 AND status = 'PROCESSING'")
                .execute(Tuple.of(UUID.fromString(taskId), status.name(), reason))
                .replaceWithVoid();
    }

    private static Order order(Row row) {
        Object json = row.getValue("products");
        JsonArray array = json instanceof JsonArray a ? a : new JsonArray(String.valueOf(json));
        List<Product> products = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonObject p = array.getJsonObject(i);
            products.add(new Product(p.getString("id"), p.getString("label"), p.getNumber("confidence").floatValue(),
                    p.getLong("price")));
        }
        UUID task = row.getUUID("task_id");
        return new Order(row.getUUID("id").toString(), row.getString("owner"),
                OrderStatus.valueOf(row.getString("status")), Sql.instant(row.getOffsetDateTime("created_at")),
                Sql.instant(row.getOffsetDateTime("completed_at")), row.getInteger("item_count"), products,
                row.getLong("total"), row.getString("currency"), row.getString("reason"),
                task == null ? null : task.toString(), row.getString("idempotency_key"));
    }

    /** A database is sized to keep every order: nothing is evicted. */
    @Override
    public Uni<Integer> evictEndedBefore(Duration retention) {
        return Uni.createFrom().item(0);
    }
}
