package dev.modelserving.predictionlog;

/**
 * A place in the prediction log across its files: byte {@code position} of the file with this {@code sequence} number
 * ({@link RotatingFile}). The shipper's position means: every line before it has been acknowledged by the broker.
 */
record LogPosition(long sequence, long position) {
}
