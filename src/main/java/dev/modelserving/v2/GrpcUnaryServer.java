package dev.modelserving.v2;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.modelserving.inference.Deadline;
import io.grpc.MethodDescriptor;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.function.Function;

/**
 * Unary gRPC calls served by Vert.x's gRPC server straight from the HTTP router, on the event loop: the message is
 * decoded, handed to the method's body, and its answer (or failure, as a status) written when its {@code Uni} ends.
 * <p>
 * Not quarkus-grpc's server: that one passes every call through grpc-java's server call machinery and Quarkus'
 * interceptors (request context, duplicated context, metrics), which cost about a third of the throughput of a batch 1
 * {@code ModelInfer}; none of it is needed by calls whose work is handed to the inference runners.
 */
final class GrpcUnaryServer implements Handler<RoutingContext> {

    private final GrpcServer server;
    private final GrpcMessages messages;
    private final GrpcStatuses statuses;

    GrpcUnaryServer(Vertx vertx, long maxMessageSize, GrpcStatuses statuses) {
        // A larger message ends the call with RESOURCE_EXHAUSTED as soon as its length prefix is read, unbuffered.
        this.server = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(maxMessageSize));
        this.messages = new GrpcMessages(maxMessageSize);
        this.statuses = statuses;
    }

    /**
     * Serves {@code method} with {@code body}, which answers a call (or fails it with a problem) in a {@code Uni};
     * {@code parser} reads its request messages.
     */
    <Q, R extends MessageLite> GrpcUnaryServer unary(MethodDescriptor<Q, R> method, Parser<Q> parser,
            Function<GrpcCall<Q>, Uni<R>> body) {
        String name = method.getBareMethodName();
        // Messages are read here rather than by the server: one that is not a valid message of its type is answered
        // INVALID_ARGUMENT, not with a reset stream, and a compressed one is decompressed within the size limit.
        ServiceMethod<Buffer, R> served = ServiceMethod.server(ServiceName.create(method.getServiceName()), name,
                GrpcMessageEncoder.encoder(), GrpcMessageDecoder.IDENTITY);
        server.callHandler(served, call -> {
            String timeout = call.headers().get("grpc-timeout");
            Deadline deadline = timeout == null ? Deadline.NONE : GrpcTimeouts.deadline(timeout);
            if (deadline == null) {
                end(call, new GrpcStatuses.Failure(GrpcStatus.INVALID_ARGUMENT, "The grpc-timeout header is '"
                        + timeout + "'; it must be up to 8 digits and a unit (H, M, S, m, u, n)"));
                return;
            }
            String authorization = call.headers().get("authorization");
            call.messageHandler(framed -> {
                Q message;
                try {
                    message = parser.parseFrom(messages.payload(framed));
                } catch (GrpcMessages.Refused e) {
                    end(call, e.failure());
                    return;
                } catch (InvalidProtocolBufferException e) {
                    end(call, new GrpcStatuses.Failure(GrpcStatus.INVALID_ARGUMENT,
                            "The message is not a valid " + method.getFullMethodName() + " request: "
                                    + e.getMessage()));
                    return;
                }
                answer(call, name, body, new GrpcCall<>(message, authorization, deadline));
            });
        });
        return this;
    }

    private <Q, R> void answer(GrpcServerRequest<Buffer, R> call, String method, Function<GrpcCall<Q>, Uni<R>> body,
            GrpcCall<Q> request) {
        Uni<R> answer;
        try {
            answer = body.apply(request);
        } catch (RuntimeException e) {
            end(call, statuses.of(e, method));
            return;
        }
        Cancellable running = answer.subscribe().with(value -> call.response().end(value),
                failure -> end(call, statuses.of(failure, method)));
        // A client cancels a call, or gives up at its deadline, with a stream reset: the work still queued for a
        // runner is dropped unrun.
        call.errorHandler(error -> running.cancel());
    }

    private static void end(GrpcServerRequest<?, ?> call, GrpcStatuses.Failure failure) {
        call.response().status(failure.status()).statusMessage(failure.message()).end();
    }

    /** Serves the calls of the bound methods; any other request goes on to the next route. */
    @Override
    public void handle(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        String type = request.getHeader("content-type");
        if (request.version() != HttpVersion.HTTP_2 || type == null || !type.startsWith("application/grpc")) {
            routing.next();
            return;
        }
        if (request.getHeader(GrpcMessages.ENCODING) == null) {
            // Vert.x throws on a message flagged compressed when no encoding is declared, and the call would never be
            // answered; named, that message reaches GrpcMessages and is refused.
            request.headers().set(GrpcMessages.ENCODING, GrpcMessages.UNDECLARED);
        }
        server.handle(request);
    }
}
