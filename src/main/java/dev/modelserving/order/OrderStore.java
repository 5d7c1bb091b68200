package dev.modelserving.order;

import dev.modelserving.store.Page;
import dev.modelserving.task.TaskWrite;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where orders are kept: data only. An order filled by a task is created, completed and ended by writes that the task
 * store applies together with the task's own change ({@link TaskWrite}), so that an order is completed exactly once, by
 * the worker that holds its task. Completion and ending apply only to a PROCESSING order.
 */
public interface OrderStore {

    /**
     * Stores an order that is already complete.
     *
     * @throws DuplicateOrderException (as the failure) when the owner already has an order with its idempotency key
     */
    Uni<Void> insert(Order order);

    /** The write that stores a PROCESSING order with the task that fills it; fails like {@link #insert}. */
    TaskWrite insertion(Order order);

    Uni<Optional<Order>> find(String id);

    /** The owner's order placed with this {@code Idempotency-Key}. */
    Uni<Optional<Order>> findByIdempotencyKey(String owner, String key);

    /** The owner's orders, newest first. */
    Uni<Page<Order>> listByOwner(String owner, int page, int size);

    /** All orders, newest first, optionally of one status. */
    Uni<Page<Order>> list(Optional<OrderStatus> status, int page, int size);

    /** The write that completes a PROCESSING order with its products. */
    TaskWrite completion(String id, List<Product> products);

    /** The write that ends the PROCESSING order of a task as FAILED or CANCELLED. */
    TaskWrite endingOfTask(String taskId, OrderStatus status, String reason);

    /**
     * Deletes orders that ended before now minus {@code retention}, where the store bounds what it keeps (memory);
     * returns how many. PostgreSQL keeps every order and deletes none.
     */
    Uni<Integer> evictEndedBefore(Duration retention);

    /** The owner already placed an order with this idempotency key. */
    final class DuplicateOrderException extends RuntimeException {
        public DuplicateOrderException() {
            super("an order with this idempotency key exists", null, false, false);
        }
    }
}
