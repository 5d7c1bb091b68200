package dev.modelserving.v2;

import dev.modelserving.inference.Deadline;

/**
 * One unary gRPC call as the service sees it: its request message, the {@code authorization} metadata (null when the
 * caller sent none) and the deadline its {@code grpc-timeout} set ({@link Deadline#NONE} without one).
 */
record GrpcCall<Q>(Q message, String authorization, Deadline deadline) {
}
