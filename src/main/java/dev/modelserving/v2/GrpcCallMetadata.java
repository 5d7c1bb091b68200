package dev.modelserving.v2;

import dev.modelserving.inference.Deadline;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * Hands the call's {@code authorization} metadata and its deadline ({@code grpc-timeout}, which the HTTP server the
 * service shares does not act on) to the service through the gRPC context.
 */
@ApplicationScoped
public class GrpcCallMetadata implements ServerInterceptor {

    static final Context.Key<String> AUTHORIZATION = Context.key("authorization");
    static final Context.Key<Deadline> DEADLINE = Context.key("deadline");

    private static final Metadata.Key<String> AUTHORIZATION_HEADER = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> TIMEOUT_HEADER = Metadata.Key.of("grpc-timeout",
            Metadata.ASCII_STRING_MARSHALLER);
    /** The protocol's limit on the timeout's digits. */
    private static final int MAX_TIMEOUT_DIGITS = 8;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String timeout = headers.get(TIMEOUT_HEADER);
        Deadline deadline = timeout == null ? Deadline.NONE : deadline(timeout);
        if (deadline == null) {
            call.close(Status.INVALID_ARGUMENT.withDescription("The grpc-timeout header is '" + timeout
                    + "'; it must be up to 8 digits and a unit (H, M, S, m, u, n)"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        Context context = Context.current().withValues(AUTHORIZATION, headers.get(AUTHORIZATION_HEADER), DEADLINE,
                deadline);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** The deadline a {@code grpc-timeout} value sets from now; null when it is not one. */
    static Deadline deadline(String timeout) {
        int digits = timeout.length() - 1;
        if (digits < 1 || digits > MAX_TIMEOUT_DIGITS) {
            return null;
        }
        long amount = 0;
        for (int i = 0; i < digits; i++) {
            char c = timeout.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            amount = amount * 10 + (c - '0');
        }
        TimeUnit unit = switch (timeout.charAt(digits)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? null : Deadline.in(amount, unit);
    }
}
