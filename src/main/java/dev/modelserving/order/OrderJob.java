package dev.modelserving.order;

import dev.modelserving.model.Prediction;
import dev.modelserving.model.PredictionContext;
import dev.modelserving.model.PredictionService;
import dev.modelserving.task.TaskControl;
import dev.modelserving.task.TaskJob;
import dev.modelserving.task.TaskState;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The background work of an asynchronous order: classify each item, then complete the order once. */
final class OrderJob implements TaskJob {

    private final String orderId;
    private final List<float[]> rows;
    private final long price;
    private final PredictionContext context;
    private final PredictionService predictions;
    private final OrderStore orders;
    private final Clock clock;

    OrderJob(String orderId, List<float[]> rows, long price, PredictionContext context,
            PredictionService predictions, OrderStore orders, Clock clock) {
        this.orderId = orderId;
        this.rows = rows;
        this.price = price;
        this.context = context;
        this.predictions = predictions;
        this.orders = orders;
        this.clock = clock;
    }

    @Override
    public Uni<Void> run(TaskControl control) {
        return Uni.createFrom().item(() -> classify(control))
                .flatMap(products -> orders.complete(orderId, products, Instant.now(clock)))
                .replaceWithVoid();
    }

    private List<Product> classify(TaskControl control) {
        List<Product> products = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            control.stopIfCancelled();
            Prediction prediction = predictions.classifyPixelsNow(rows.get(i), context);
            products.add(product(prediction, price));
            control.progressed(i + 1);
        }
        return products;
    }

    static Product product(Prediction prediction, long price) {
        return new Product(UUID.randomUUID().toString(), prediction.label(), prediction.confidence(), price);
    }

    @Override
    public Uni<Void> ended(TaskState end, String reason) {
        OrderStatus status = end == TaskState.CANCELLED ? OrderStatus.CANCELLED : OrderStatus.FAILED;
        return orders.end(orderId, status, reason, Instant.now(clock)).replaceWithVoid();
    }
}
