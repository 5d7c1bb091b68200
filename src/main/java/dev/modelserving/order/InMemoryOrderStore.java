package dev.modelserving.order;

import dev.modelserving.store.EndedQueue;
import dev.modelserving.store.Page;
import dev.modelserving.task.TaskWrite;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The embedded default: orders live in this process, bounded whatever the order rate. Orders that have ended
 * (COMPLETED, FAILED, CANCELLED) are kept for {@code app.orders.retention}, and only while their items add up to
 * {@code app.orders.max-kept-items} at most: beyond it the oldest ended are evicted first. A PROCESSING order is never
 * evicted (the task queue bounds how many there are).
 */
@ApplicationScoped
@Typed(InMemoryOrderStore.class)
public class InMemoryOrderStore implements OrderStore {

    private static final Comparator<Order> NEWEST_FIRST = Comparator.comparing(Order::createdAt).reversed()
            .thenComparing(Order::id);

    private final ConcurrentHashMap<String, Order> orders = new ConcurrentHashMap<>();
    /** owner + NUL + key -> order id: makes an idempotency key unique per owner. */
    private final ConcurrentHashMap<String, String> byKey = new ConcurrentHashMap<>();
    /** task id -> order id. */
    private final ConcurrentHashMap<String, String> byTask = new ConcurrentHashMap<>();
    private final EndedQueue ended;
    private final Clock clock;

    public InMemoryOrderStore(OrderConfig config, Clock clock, MeterRegistry metrics) {
        this.ended = new EndedQueue("orders", "app.orders.max-kept-items", config.maxKeptItems(), metrics);
        this.clock = clock;
    }

    @Override
    public Uni<Void> insert(Order order) {
        return Uni.createFrom().item(() -> {
            put(order);
            return null;
        });
    }

    @Override
    public TaskWrite insertion(Order order) {
        return (TaskWrite.InMemory) at -> put(order);
    }

    private void put(Order order) {
        if (order.idempotencyKey() != null
                && byKey.putIfAbsent(keyOf(order.owner(), order.idempotencyKey()), order.id()) != null) {
            throw new DuplicateOrderException();
        }
        if (order.taskId() != null) {
            byTask.put(order.taskId(), order.id());
        }
        orders.put(order.id(), order);
        if (order.status() != OrderStatus.PROCESSING) {
            ended(order);
        }
    }

    private static String keyOf(String owner, String key) {
        return owner + '\0' + key;
    }

    private void ended(Order order) {
        ended.ended(order.id(), order.itemCount(), order.completedAt(), this::evict);
    }

    /** Removes an ended order with its index entries; whether it was still there. */
    private boolean evict(String id) {
        Order order = orders.remove(id);
        if (order == null) {
            return false;
        }
        if (order.idempotencyKey() != null) {
            byKey.remove(keyOf(order.owner(), order.idempotencyKey()), id);
        }
        if (order.taskId() != null) {
            byTask.remove(order.taskId(), id);
        }
        return true;
    }

    @Override
    public Uni<Integer> evictEndedBefore(Duration retention) {
        return Uni.createFrom().item(() -> ended.evictEndedBefore(Instant.now(clock).minus(retention), this::evict));
    }

    @Override
    public Uni<Optional<Order>> find(String id) {
        return Uni.createFrom().item(() -> Optional.ofNullable(orders.get(id)));
    }

    @Override
    public Uni<Optional<Order>> findByIdempotencyKey(String owner, String key) {
        return Uni.createFrom().item(() -> Optional.ofNullable(byKey.get(keyOf(owner, key))).map(orders::get));
    }

    @Override
    public Uni<Page<Order>> listByOwner(String owner, int page, int size) {
        return page(o -> o.owner().equals(owner), page, size);
    }

    @Override
    public Uni<Page<Order>> list(Optional<OrderStatus> status, int page, int size) {
        return page(o -> status.isEmpty() || o.status() == status.get(), page, size);
    }

    @Override
    public TaskWrite completion(String id, List<Product> products) {
        return (TaskWrite.InMemory) at -> changeProcessing(id, order -> order.completed(products, at));
    }

    @Override
    public TaskWrite endingOfTask(String taskId, OrderStatus status, String reason) {
        return (TaskWrite.InMemory) at -> {
            String id = byTask.get(taskId);
            if (id != null) {
                changeProcessing(id, order -> order.ended(status, reason, at));
            }
        };
    }

    private Uni<Page<Order>> page(Predicate<Order> filter, int page, int size) {
        return Uni.createFrom().item(() -> Page.slice(
                orders.values().stream().filter(filter).sorted(NEWEST_FIRST).toList(), page, size));
    }

    private void changeProcessing(String id, UnaryOperator<Order> change) {
        AtomicReference<Order> endedNow = new AtomicReference<>();
        orders.computeIfPresent(id, (key, order) -> {
            if (order.status() != OrderStatus.PROCESSING) {
                return order;
            }
            Order next = change.apply(order);
            if (next.status() != OrderStatus.PROCESSING) {
                endedNow.set(next);
            }
            return next;
        });
        if (endedNow.get() != null) {
            ended(endedNow.get());
        }
    }
}
