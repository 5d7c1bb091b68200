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
import io.vertx.grpc.common.GrpcMessage;
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
                call.response().status(GrpcStatus.INVALID_ARGUMENT).statusMessage("The grpc-timeout header is '"
                        + timeout + "'; it must be up to 8 digits and a unit (H, M, S, m, u, n)").end();
                return;
            }
            new UnaryCall<>(call, method, parser, body, deadline).start();
        });
        return this;
    }

    /** One call, from its request message to its answer; every step runs on the call's event loop. */
    private final class UnaryCall<Q, R> {

        private final GrpcServerRequest<Buffer, R> call;
        private final MethodDescriptor<Q, R> method;
        private final Parser<Q> parser;
        private final Function<GrpcCall<Q>, Uni<R>> body;
        private final Deadline deadline;
        private boolean received;
        private Cancellable running;
        private boolean ended;

        UnaryCall(GrpcServerRequest<Buffer, R> call, MethodDescriptor<Q, R> method, Parser<Q> parser,
                Function<GrpcCall<Q>, Uni<R>> body, Deadline deadline) {
            this.call = call;
            this.method = method;
            this.parser = parser;
            this.body = body;
            this.deadline = deadline;
        }

        void start() {
            call.messageHandler(this::message);
            call.endHandler(ignored -> {
                if (!received) {
                    fail(GrpcStatus.INVALID_ARGUMENT, "The call ended without its request message");
                }
            });
            // A client cancels a call, or gives up at its deadline, with a stream reset: the work still queued for
            // a runner is dropped unrun.
            call.errorHandler(error -> {
                ended = true;
                cancel();
            });
        }

        private void message(GrpcMessage framed) {
            if (received) {
                cancel();
                fail(GrpcStatus.INVALID_ARGUMENT, "A unary call carries one request message; this one sent more");
                return;
            }
            received = true;
            Q message;
            try {
                message = parser.parseFrom(messages.payload(framed));
            } catch (GrpcMessages.Refused e) {
                end(e.failure());
                return;
            } catch (InvalidProtocolBufferException e) {
                fail(GrpcStatus.INVALID_ARGUMENT,
                        "The message is not a valid " + method.getFullMethodName() + " request: " + e.getMessage());
                return;
            }
            Uni<R> answer;
            try {
                answer = body.apply(new GrpcCall<>(message, call.headers().get("authorization"), deadline));
            } catch (RuntimeException e) {
                answer = Uni.createFrom().failure(e);
            }
            running = answer.subscribe().with(this::succeed,
                    failure -> end(statuses.of(failure, method.getBareMethodName())));
        }

        private void cancel() {
            if (running != null) {
                running.cancel();
            }
        }

        private void succeed(R answer) {
            if (!ended) {
                ended = true;
                // Not ended in one write: the answer would carry a content-length, and clients that stop reading there
                // (curl) miss the trailers with the status; gRPC servers send none. Written as message, then end,
                // the headers go out with the message (one socket write), an empty DATA frame and the trailers in a
                // second; the headers written first would take a write of their own, a third of the call's writes.
                call.response().write(answer);
                call.response().end();
            }
        }

        private void fail(GrpcStatus status, String message) {
            end(new GrpcStatuses.Failure(status, message));
        }

        private void end(GrpcStatuses.Failure failure) {
            if (!ended) {
                ended = true;
                call.response().status(failure.status()).statusMessage(failure.message()).end();
            }
        }
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
