package dev.modelserving.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.MutableClock;
import dev.modelserving.support.TestConfigs;
import dev.modelserving.task.TaskWrite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What keeps the in-memory order store's memory bounded whatever the order rate. */
class InMemoryOrderStoreBoundsTest {

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    private InMemoryOrderStore store(Map<String, String> settings) {
        return new InMemoryOrderStore(TestConfigs.mapping(OrderConfig.class, settings), clock, metrics);
    }

    private Order completed(InMemoryOrderStore store, int items, String idempotencyKey) {
        List<Product> products = new ArrayList<>(Collections.nCopies(items,
                new Product(UUID.randomUUID().toString(), "Sneaker", 0.9f, 100)));
        Order order = Order.processing(UUID.randomUUID().toString(), "alice", items, "KRW", null, idempotencyKey,
                clock.instant()).completed(products, clock.instant());
        store.insert(order).await().indefinitely();
        return order;
    }

    private Order processing(InMemoryOrderStore store, int items) {
        String taskId = UUID.randomUUID().toString();
        Order order = Order.processing(UUID.randomUUID().toString(), "alice", items, "KRW", taskId, null,
                clock.instant());
        ((TaskWrite.InMemory) store.insertion(order)).apply(clock.instant());
        return order;
    }

    private Optional<Order> find(InMemoryOrderStore store, Order order) {
        return store.find(order.id()).await().indefinitely();
    }

    @Test
    void keepsEndedOrdersUpToMaxKeptItemsEvictingTheOldestFirst() {
        InMemoryOrderStore store = store(Map.of("app.orders.max-kept-items", "10"));
        Order running = processing(store, 50);
        Order first = completed(store, 4, "key-1");
        Order second = completed(store, 4, null);
        Order third = completed(store, 4, null);
        Order fourth = completed(store, 4, null);

        assertThat(find(store, first)).isEmpty();
        assertThat(find(store, second)).isEmpty();
        assertThat(find(store, third)).isPresent();
        assertThat(find(store, fourth)).isPresent();
        assertThat(find(store, running)).as("a PROCESSING order is never evicted").isPresent();
        // The evicted order's idempotency key is free again: nothing of it is left.
        assertThat(store.findByIdempotencyKey("alice", "key-1").await().indefinitely()).isEmpty();
        assertThat(metrics.counter("orders.evicted", "reason", "max-kept-items").count()).isEqualTo(2);

        // An order that ends through its task counts from its end on.
        ((TaskWrite.InMemory) store.endingOfTask(running.taskId(), OrderStatus.FAILED, "test"))
                .apply(clock.instant());
        assertThat(find(store, running)).hasValueSatisfying(o -> assertThat(o.status()).isEqualTo(OrderStatus.FAILED));
        assertThat(find(store, third)).isEmpty();
        assertThat(find(store, fourth)).isEmpty();
    }

    @Test
    void retentionEvictsEndedOrdersOnlyOnceOldEnough() {
        InMemoryOrderStore store = store(Map.of());
        Order old = completed(store, 1, null);
        clock.advance(Duration.ofMinutes(30));
        Order young = completed(store, 1, null);
        Order running = processing(store, 1);
        clock.advance(Duration.ofMinutes(31));

        assertThat(store.evictEndedBefore(Duration.ofHours(1)).await().indefinitely()).isEqualTo(1);

        assertThat(find(store, old)).isEmpty();
        assertThat(find(store, young)).isPresent();
        assertThat(find(store, running)).isPresent();
        assertThat(metrics.counter("orders.evicted", "reason", "retention").count()).isEqualTo(1);
    }
}
