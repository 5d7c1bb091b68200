package dev.modelserving.order;

import dev.modelserving.inference.PredictionContext;
import dev.modelserving.inference.PredictionService;
import dev.modelserving.problem.ResourceNotFoundException;
import dev.modelserving.store.Page;
import dev.modelserving.task.Task;
import dev.modelserving.task.TaskService;
import dev.modelserving.user.Caller;
import dev.modelserving.web.BlockingWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Orders of classifications. Small orders are classified at once; large ones, or any the client wants handled
 * asynchronously, become a background task that completes the order. An {@code Idempotency-Key} makes a retried request
 * return the order (or task) the first one created instead of a second one.
 */
@ApplicationScoped
public class OrderService {

    private final OrderStore orders;
    private final TaskService tasks;
    private final PredictionService predictions;
    private final BlockingWork blocking;
    private final OrderConfig config;
    private final Clock clock;

    public OrderService(OrderStore orders, TaskService tasks, PredictionService predictions, BlockingWork blocking,
            OrderConfig config, Clock clock) {
        this.orders = orders;
        this.tasks = tasks;
        this.predictions = predictions;
        this.blocking = blocking;
        this.config = config;
        this.clock = clock;
    }

    /**
     * An accepted order: completed already ({@code order} only), or being processed by {@code task}.
     *
     * @param repeated an earlier request with the same idempotency key created it
     */
    public record Placed(Order order, Optional<Task> task, boolean repeated) {
    }

    /**
     * Reads every item (422 naming the first bad one), then classifies them at once or hands them to a task.
     *
     * @param readItems blocking: decodes the request's items into rows of the model that must classify them
     * @param idempotencyKey the client's key for this order, or null
     */
    public Uni<Placed> place(String owner, Supplier<OrderItems> readItems, boolean preferAsync,
            PredictionContext context, String idempotencyKey) {
        Uni<Placed> placeNew = Uni.createFrom().deferred(() -> blocking.run(readItems))
                .flatMap(items -> items.rows().size() <= config.syncLimit() && !preferAsync
                        ? placeNow(owner, items, context, idempotencyKey)
                        : placeInBackground(owner, items, context, idempotencyKey));
        if (idempotencyKey == null) {
            return placeNew;
        }
        return earlier(owner, idempotencyKey)
                .flatMap(found -> found.isPresent()
                        ? Uni.createFrom().item(found.get())
                        : placeNew
                                .onFailure(OrderStore.DuplicateOrderException.class).recoverWithUni(() ->
                                // Another request with the key won the race.
                                earlier(owner, idempotencyKey).map(Optional::orElseThrow)));
    }

    private Uni<Optional<Placed>> earlier(String owner, String key) {
        return orders.findByIdempotencyKey(owner, key).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.empty());
            }
            Order order = found.get();
            if (order.taskId() == null) {
                return Uni.createFrom().item(Optional.of(new Placed(order, Optional.empty(), true)));
            }
            return tasks.get(order.taskId(), new Caller(owner, false))
                    .map(task -> Optional.of(new Placed(order, Optional.of(task), true)));
        });
    }

    private Uni<Placed> placeNow(String owner, OrderItems items, PredictionContext context, String key) {
        String id = UUID.randomUUID().toString();
        List<float[]> rows = items.rows();
        return blocking.run(() -> {
            List<Product> products = new ArrayList<>(rows.size());
            for (var prediction : predictions.classifyRowsNow(items.modelName(), items.modelVersion(), rows,
                    context.forOrder(id))) {
                products.add(OrderJob.product(prediction, config.pricePerItem()));
            }
            Instant now = Instant.now(clock);
            return Order.processing(id, owner, rows.size(), config.currency(), null, key, now)
                    .completed(products, now);
        }).flatMap(order -> orders.insert(order).replaceWith(new Placed(order, Optional.empty(), false)));
    }

    private Uni<Placed> placeInBackground(String owner, OrderItems items, PredictionContext context, String key) {
        String id = UUID.randomUUID().toString();
        List<float[]> rows = items.rows();
        OrderInput input = new OrderInput(id, config.pricePerItem(), context.requestId(), context.user(),
                items.modelName(), items.modelVersion(), rows);
        AtomicReference<Order> created = new AtomicReference<>();
        return blocking.run(input::encode).flatMap(encoded -> tasks.submit(OrderTaskHandler.KIND, owner, rows.size(),
                taskId -> {
                    created.set(Order.processing(id, owner, rows.size(), config.currency(), taskId, key,
                            Instant.now(clock)));
                    return new TaskService.Submission(encoded, new Task.Result("/orders/" + id),
                            orders.insertion(created.get()));
                })).map(task -> new Placed(created.get(), Optional.of(task), false));
    }

    /** The order if the caller may see it ({@link Caller#mayAccess}); otherwise 404. */
    public Uni<Order> get(String id, Caller caller) {
        return orders.find(id).map(found -> found
                .filter(order -> caller.mayAccess(order.owner()))
                .orElseThrow(() -> new ResourceNotFoundException("Order '" + id + "' not found")));
    }

    public Uni<Page<Order>> mine(String owner, int page, int size) {
        return orders.listByOwner(owner, page, size);
    }

    public Uni<Page<Order>> all(Optional<OrderStatus> status, int page, int size) {
        return orders.list(status, page, size);
    }
}
