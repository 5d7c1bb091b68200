package dev.modelserving.v2;

import io.netty.buffer.ByteBufInputStream;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The bytes of a request message as its client framed them: as is, or gzip-compressed (the one compression gRPC clients
 * use). Decompression stops one byte past the message size limit, so that a small compressed message cannot expand into
 * gigabytes of memory.
 */
final class GrpcMessages {

    /** The metadata naming the compression of a call's messages. */
    static final String ENCODING = "grpc-encoding";
    /** The encoding of a message flagged compressed in a call that declares none. */
    static final String UNDECLARED = "undeclared";

    private final long maxMessageSize;

    GrpcMessages(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** A message the call cannot go on with, and the status that ends the call. */
    static final class Refused extends Exception {

        private final transient GrpcStatuses.Failure failure;

        Refused(GrpcStatus status, String message) {
            super(message, null, false, false);
            this.failure = new GrpcStatuses.Failure(status, message);
        }

        GrpcStatuses.Failure failure() {
            return failure;
        }
    }

    /** The message's bytes, decompressed if its client compressed it. */
    byte[] payload(GrpcMessage message) throws Refused {
        return switch (message.encoding()) {
            case "identity" -> message.payload().getBytes();
            case "gzip" -> gunzip(message);
            case UNDECLARED -> throw new Refused(GrpcStatus.INVALID_ARGUMENT,
                    "The message is flagged compressed, but the call declares no grpc-encoding");
            // As the protocol says: UNIMPLEMENTED, with the encodings we accept in grpc-accept-encoding.
            default -> throw new Refused(GrpcStatus.UNIMPLEMENTED,
                    "The message encoding '" + message.encoding() + "' is not supported; use gzip or identity");
        };
    }

    private byte[] gunzip(GrpcMessage message) throws Refused {
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(new ByteBufInputStream(message.payload().getByteBuf()))) {
            bytes = in.readNBytes((int) Math.min(maxMessageSize + 1, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new Refused(GrpcStatus.INVALID_ARGUMENT, "The message is not valid gzip: " + e.getMessage());
        }
        if (bytes.length > maxMessageSize) {
            throw new Refused(GrpcStatus.RESOURCE_EXHAUSTED,
                    "The message decompresses to more than " + maxMessageSize + " bytes, the limit");
        }
        return bytes;
    }
}
