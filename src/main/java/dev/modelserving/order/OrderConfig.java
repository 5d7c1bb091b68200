package dev.modelserving.order;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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
}
