package dev.modelserving.model;

/**
 * Who asked for a prediction, for the prediction log. Every member may be null: the command line has no request
 * and no user, and only orders have an order id.
 */
public record PredictionContext(String requestId, String user, String orderId) {

    public static final PredictionContext NONE = new PredictionContext(null, null, null);

    public PredictionContext forOrder(String order) {
        return new PredictionContext(requestId, user, order);
    }
}
