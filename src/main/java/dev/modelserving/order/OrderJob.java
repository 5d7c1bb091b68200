package dev.modelserving.order;

import dev.modelserving.model.Prediction;
import dev.modelserving.model.PredictionContext;
import dev.modelserving.model.PredictionService;
import dev.modelserving.task.TaskControl;
import dev.modelserving.task.TaskJob;
import dev.modelserving.task.TaskWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The background work of an asynchronous order: classify each item; the order is completed with the task's end. */
final class OrderJob implements TaskJob {

    private final OrderInput input;
    private final PredictionService predictions;
    private final OrderStore orders;

    OrderJob(OrderInput input, PredictionService predictions, OrderStore orders) {
        this.input = input;
        this.predictions = predictions;
        this.orders = orders;
    }

    @Override
    public TaskWrite run(TaskControl control) {
        PredictionContext context = input.context();
        List<float[]> rows = input.rows();
        List<Product> products = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            control.stopIfCancelled();
            products.add(product(predictions.classifyPixelsNow(rows.get(i), context), input.price()));
            control.progressed(i + 1);
        }
        return orders.completion(input.orderId(), products);
    }

    static Product product(Prediction prediction, long price) {
        return new Product(UUID.randomUUID().toString(), prediction.label(), prediction.confidence(), price);
    }
}
