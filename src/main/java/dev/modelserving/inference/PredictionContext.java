package dev.modelserving.inference;

import dev.modelserving.web.RequestIdFilter;

/**
 * Who asked for a prediction, for the prediction log. Every member may be null: the command line has no request and no
 * user, and only orders have an order id.
 */
public record PredictionContext(String requestId, String user, String orderId) {

    public static final PredictionContext NONE = new PredictionContext(null, null, null);

    /** A prediction asked for by this user in the current HTTP request (whose id the log line carries). */
    public static PredictionContext ofRequest(String user) {
        return new PredictionContext(RequestIdFilter.current().orElse(null), user, null);
    }

    public PredictionContext forOrder(String order) {
        return new PredictionContext(requestId, user, order);
    }
}
