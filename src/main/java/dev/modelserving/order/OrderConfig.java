package dev.modelserving.order;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code app.orders.*}: pricing and size limits of orders. */
@ConfigMapping(prefix = "app.orders")
public interface OrderConfig {

    /** Price of one classified picture, in {@link #currency()} units. */
    @WithDefault("100")
    long pricePerItem();

    /** Currency of prices and totals (ISO 4217). */
    @WithDefault("KRW")
    String currency();

    /** Orders of up to this many items are processed at once (201) unless the client prefers async. */
    @WithDefault("8")
    int syncLimit();

    /** Largest number of items in one order; more -> 422. */
    @WithDefault("1000")
    int maxItems();

    /** In-memory store only: how long an ended order stays visible before it is evicted (then 404). */
    @WithDefault("1h")
    Duration retention();

    /**
     * In-memory store only: items (products) of ended orders kept at most, about 150 bytes each; beyond it the oldest
     * ended orders are evicted first, before their retention. PostgreSQL keeps every order.
     */
    @WithDefault("100000")
    long maxKeptItems();
}
