package dev.modelserving.order;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An order of classifications.
 *
 * @param itemCount how many pictures were ordered (the products appear when the order completes)
 * @param reason why a FAILED or CANCELLED order ended, e.g. {@code cancelled} or {@code shutdown}
 * @param taskId the background task that fills the order, when it was not processed at once
 * @param idempotencyKey the client's {@code Idempotency-Key}, unique per owner
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Order")
public record Order(
        String id,
        String owner,
        OrderStatus status,
        Instant createdAt,
        Instant completedAt,
        int itemCount,
        List<Product> products,
        long total,
        @Schema(example = "KRW") String currency,
        String reason,
        String taskId,
        @JsonIgnore String idempotencyKey) {

    public Order {
        products = List.copyOf(products);
    }

    static Order processing(String id, String owner, int itemCount, String currency, String taskId,
            String idempotencyKey, Instant at) {
        return new Order(id, owner, OrderStatus.PROCESSING, at, null, itemCount, List.of(), 0, currency, null, taskId,
                idempotencyKey);
    }

    Order completed(List<Product> classified, Instant at) {
        long sum = classified.stream().mapToLong(Product::price).sum();
        return new Order(id, owner, OrderStatus.COMPLETED, createdAt, at, itemCount, classified, sum, currency, null,
                taskId, idempotencyKey);
    }

    Order ended(OrderStatus end, String why, Instant at) {
        return new Order(id, owner, end, createdAt, at, itemCount, products, total, currency, why, taskId,
                idempotencyKey);
    }
}
