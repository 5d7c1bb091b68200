package dev.modelserving.inference;

import dev.modelserving.problem.ValidationFailedException;

/**
 * The pixels one request may have decoded, summed over its pictures as their headers declare them: decoding costs CPU
 * in proportion to the declared size, however small the file. One per request, used by one thread.
 */
public final class PixelBudget {

    private final long limit;
    private long spent;

    public PixelBudget(long limit) {
        this.limit = limit;
    }

    /** Takes a picture's pixels from the budget; a 422 naming the limit when they do not fit. */
    void spend(long pixels) {
        if (spent + pixels > limit) {
            throw new ValidationFailedException("The pictures of this request declare more than " + limit
                    + " pixels in all; at most that many are decoded per request (app.predictions.max-request-pixels)");
        }
        spent += pixels;
    }
}
