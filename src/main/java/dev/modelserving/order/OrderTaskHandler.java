package dev.modelserving.order;

import dev.modelserving.inference.PredictionService;
import dev.modelserving.task.Task;
import dev.modelserving.task.TaskHandler;
import dev.modelserving.task.TaskJob;
import dev.modelserving.task.TaskState;
import dev.modelserving.task.TaskWrite;
import jakarta.enterprise.context.ApplicationScoped;

/** Tasks that fill asynchronous orders. */
@ApplicationScoped
public class OrderTaskHandler implements TaskHandler {

    static final String KIND = "order-classification";

    private final PredictionService predictions;
    private final OrderStore orders;

    public OrderTaskHandler(PredictionService predictions, OrderStore orders) {
        this.predictions = predictions;
        this.orders = orders;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public TaskJob job(Task task, byte[] input) {
        return new OrderJob(OrderInput.decode(input), predictions, orders);
    }

    @Override
    public TaskWrite ended(Task task, TaskState end, String reason) {
        OrderStatus status = end == TaskState.CANCELLED ? OrderStatus.CANCELLED : OrderStatus.FAILED;
        return orders.endingOfTask(task.id(), status, reason);
    }
}
