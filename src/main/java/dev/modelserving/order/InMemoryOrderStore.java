package dev.modelserving.order;

import dev.modelserving.web.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** The embedded default: orders live as long as the process. */
@ApplicationScoped
public class InMemoryOrderStore implements OrderStore {

    private static final Comparator<Order> NEWEST_FIRST = Comparator.comparing(Order::createdAt).reversed()
            .thenComparing(Order::id);

    private final ConcurrentHashMap<String, Order> orders = new ConcurrentHashMap<>();

    @Override
    public Uni<Void> insert(Order order) {
        return Uni.createFrom().item(() -> {
            orders.put(order.id(), order);
            return null;
        });
    }

    @Override
    public Uni<Optional<Order>> find(String id) {
        return Uni.createFrom().item(() -> Optional.ofNullable(orders.get(id)));
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
    public Uni<Boolean> complete(String id, List<Product> products, Instant at) {
        return changeProcessing(id, order -> order.completed(products, at));
    }

    @Override
    public Uni<Boolean> end(String id, OrderStatus status, String reason, Instant at) {
        return changeProcessing(id, order -> order.ended(status, reason, at));
    }

    private Uni<Page<Order>> page(Predicate<Order> filter, int page, int size) {
        return Uni.createFrom().item(() -> Page.slice(
                orders.values().stream().filter(filter).sorted(NEWEST_FIRST).toList(), page, size));
    }

    private Uni<Boolean> changeProcessing(String id, UnaryOperator<Order> change) {
        return Uni.createFrom().item(() -> {
            AtomicBoolean changed = new AtomicBoolean();
            orders.computeIfPresent(id, (key, order) -> {
                if (order.status() != OrderStatus.PROCESSING) {
                    return order;
                }
                changed.set(true);
                return change.apply(order);
            });
            return changed.get();
        });
    }
}
