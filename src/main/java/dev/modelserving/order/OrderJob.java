package dev.modelserving.order;

import dev.modelserving.inference.Prediction;
import dev.modelserving.inference.PredictionContext;
import dev.modelserving.inference.PredictionService;
import dev.modelserving.task.TaskControl;
import dev.modelserving.task.TaskJob;
import dev.modelserving.task.TaskWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The background work of an asynchronous order: classify the items, a few per model run; the order is completed with
 * the task's end. Cancellation is checked and progress reported between runs.
 */
final class OrderJob implements TaskJob {

    /** Rows per model run: most of the per-run cost saved, while a cancel still stops the job within a millisecond. */
    static final int ROWS_PER_RUN = 16;

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
        for (int from = 0; from < rows.size(); from += ROWS_PER_RUN) {
            control.stopIfCancelled();
            List<float[]> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_RUN));
            for (Prediction prediction : predictions.classifyRowsNow(input.model(), input.version(), chunk,
                    context)) {
                products.add(product(prediction, input.price()));
            }
            control.progressed(products.size());
        }
        return orders.completion(input.orderId(), products);
    }

    static Product product(Prediction prediction, long price) {
        return new Product(UUID.randomUUID().toString(), prediction.label(), prediction.confidence(), price);
    }
}
