package dev.modelserving.order;

import dev.modelserving.web.Page;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where orders are kept: data only. Completion and failure apply only to a PROCESSING order, so that each order is
 * completed (or ended) exactly once whoever races to do it.
 */
public interface OrderStore {

    Uni<Void> insert(Order order);

    Uni<Optional<Order>> find(String id);

    /** The owner's orders, newest first. */
    Uni<Page<Order>> listByOwner(String owner, int page, int size);

    /** All orders, newest first, optionally of one status. */
    Uni<Page<Order>> list(Optional<OrderStatus> status, int page, int size);

    /** PROCESSING -> COMPLETED with its products; {@code false} when the order was not PROCESSING. */
    Uni<Boolean> complete(String id, List<Product> products, Instant at);

    /** PROCESSING -> FAILED or CANCELLED; {@code false} when the order was not PROCESSING. */
    Uni<Boolean> end(String id, OrderStatus status, String reason, Instant at);
}
