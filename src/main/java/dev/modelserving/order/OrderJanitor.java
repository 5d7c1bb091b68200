package dev.modelserving.order;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Evicts ended orders past {@code app.orders.retention} from a store that bounds what it keeps (the in-memory one); a
 * minute's precision is plenty for a retention of the order of an hour. The store logs what it evicted.
 */
@ApplicationScoped
public class OrderJanitor {

    private final OrderStore orders;
    private final OrderConfig config;

    public OrderJanitor(OrderStore orders, OrderConfig config) {
        this.orders = orders;
        this.config = config;
    }

    @Scheduled(every = "1m", delayed = "1m", identity = "order-janitor",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> evict() {
        return orders.evictEndedBefore(config.retention()).replaceWithVoid();
    }
}
