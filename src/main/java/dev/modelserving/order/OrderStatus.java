package dev.modelserving.order;

/** PROCESSING until every item is classified (COMPLETED), or until its task fails or is cancelled. */
public enum OrderStatus {
    PROCESSING,
    COMPLETED,
    FAILED,
    CANCELLED
}
