package dev.modelserving.order;

import dev.modelserving.problem.InvalidRequestException;

/** The {@code Idempotency-Key} header's rules: optional; when present, 1 to 255 visible ASCII characters. */
final class IdempotencyKeys {

    static final int MAX_LENGTH = 255;

    private IdempotencyKeys() {
    }

    /** The key, or null when absent; 400 when it cannot be one. */
    static String check(String key) {
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > MAX_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidRequestException("Idempotency-Key must be 1 to " + MAX_LENGTH
                    + " visible ASCII characters (a UUID, say)");
        }
        return key;
    }
}
