package dev.modelserving.order;

import dev.modelserving.model.PredictionContext;
import dev.modelserving.model.PredictionService;
import dev.modelserving.problem.NotFoundException;
import dev.modelserving.task.Task;
import dev.modelserving.task.TaskService;
import dev.modelserving.web.BlockingWork;
import dev.modelserving.web.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Orders of classifications. Small orders are classified at once; large ones, or any the client wants handled
 * asynchronously, become a background task that completes the order.
 */
@ApplicationScoped
public class OrderService {

    static final String TASK_KIND = "order-classification";

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

    /** An accepted order: completed already ({@code order}), or being processed by {@code task}. */
    public record Placed(Optional<Order> order, Optional<Task> task) {
    }

    /**
     * Reads every item (422 naming the first bad one), then classifies them at once or hands them to a task.
     *
     * @param readItems blocking: decodes the request's items into model rows
     */
    public Uni<Placed> place(String owner, Supplier<List<float[]>> readItems, boolean preferAsync,
            PredictionContext context) {
        return blocking.run(readItems).flatMap(rows -> rows.size() <= config.syncLimit() && !preferAsync
                ? placeNow(owner, rows, context)
                : placeInBackground(owner, rows, context));
    }

    private Uni<Placed> placeNow(String owner, List<float[]> rows, PredictionContext context) {
        String id = UUID.randomUUID().toString();
        return blocking.run(() -> {
            PredictionContext forOrder = context.forOrder(id);
            List<Product> products = new ArrayList<>(rows.size());
            for (float[] row : rows) {
                products.add(OrderJob.product(predictions.classifyPixelsNow(row, forOrder), config.pricePerItem()));
            }
            Instant now = Instant.now(clock);
            return Order.processing(id, owner, rows.size(), config.currency(), now).completed(products, now);
        }).flatMap(order -> orders.insert(order).replaceWith(new Placed(Optional.of(order), Optional.empty())));
    }

    private Uni<Placed> placeInBackground(String owner, List<float[]> rows, PredictionContext context) {
        String id = UUID.randomUUID().toString();
        OrderJob job = new OrderJob(id, rows, config.pricePerItem(), context.forOrder(id), predictions, orders, clock);
        return tasks.submit(TASK_KIND, owner, rows.size(), taskId -> orders
                        .insert(Order.processing(id, owner, rows.size(), config.currency(), Instant.now(clock)))
                        .replaceWith(new TaskService.PreparedJob(job, new Task.Result("/orders/" + id))))
                .map(task -> new Placed(Optional.empty(), Optional.of(task)));
    }

    /** The order if the caller may see it (its owner, or an admin); otherwise 404, so its existence does not leak. */
    public Uni<Order> get(String id, String caller, boolean admin) {
        return orders.find(id).map(found -> found
                .filter(order -> admin || order.owner().equals(caller))
                .orElseThrow(() -> new NotFoundException("Order '" + id + "' not found")));
    }

    public Uni<Page<Order>> mine(String owner, int page, int size) {
        return orders.listByOwner(owner, page, size);
    }

    public Uni<Page<Order>> all(Optional<OrderStatus> status, int page, int size) {
        return orders.list(status, page, size);
    }
}
