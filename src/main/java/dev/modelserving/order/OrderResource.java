package dev.modelserving.order;

import dev.modelserving.inference.PredictionContext;
import dev.modelserving.task.TaskView;
import dev.modelserving.user.CurrentCaller;
import dev.modelserving.user.User;
import dev.modelserving.web.PageParams;
import dev.modelserving.web.PagedResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

// Methods readable in a native image: AllowedMethods reads their JAX-RS annotations for the Allow header.
@RegisterForReflection(methods = true, fields = false)
@Path("/orders")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Orders", description = "Order classifications of pictures; each classified picture is a billed product")
public class OrderResource {

    /** RFC 7240: the client would rather get 202 and poll than wait. */
    static final String RESPOND_ASYNC = "respond-async";
    /** Optional client key that makes a retried POST return the first request's order or task. */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final String IDEMPOTENCY_KEY_DOC = "1-255 visible ASCII characters; a repeat with the same key "
            + "returns the first answer's order or task and creates nothing";
    /** Set on the answer to a repeat of an earlier request with the same key. */
    static final String IDEMPOTENT_REPLAY = "Idempotent-Replayed";

    private final OrderService orders;
    private final OrderItemReader items;
    private final CurrentCaller caller;

    public OrderResource(OrderService orders, OrderItemReader items, CurrentCaller caller) {
        this.orders = orders;
        this.items = items;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "placeOrder",
            summary = "Order classifications: items as base64 PNG/JPEG or as the model's input values",
            description = "Up to app.orders.sync-limit items are classified at once (201). A larger order, or one "
                    + "sent with Prefer: respond-async, becomes a background task (202 + Location of the task). An "
                    + "Idempotency-Key makes a retry safe.")
    @APIResponse(responseCode = "201", description = "Processed at once (up to app.orders.sync-limit items, no "
            + "Prefer: respond-async); Location: /orders/{id}",
            content = @Content(schema = @Schema(implementation = Order.class)))
    @APIResponse(responseCode = "202", description = "Accepted as a background task; Location: /tasks/{id}",
            headers = {@Header(name = "Location"), @Header(name = "Retry-After")},
            content = @Content(schema = @Schema(implementation = TaskView.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, or an unusable Idempotency-Key")
    @APIResponse(responseCode = "413", description = "Body or one picture too large")
    @APIResponse(responseCode = "422", description = "No items, too many, or an unusable item (named by index)")
    @APIResponse(responseCode = "429", description = "Task queue full; Retry-After")
    @APIResponse(responseCode = "503", description = "Shutting down, or the model is not loaded")
    @Parameter(in = ParameterIn.HEADER, name = IDEMPOTENCY_KEY, description = IDEMPOTENCY_KEY_DOC,
            schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = IdempotencyKeys.MAX_LENGTH))
    public Uni<Response> placeJson(@NotNull(message = "a JSON body is required") OrderRequest request,
            @HeaderParam("Prefer") String prefer, HttpServerRequest http) {
        return place(() -> items.fromJson(request), prefer, http);
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(operationId = "placeOrderWithPictures",
            summary = "Order classifications: pictures as multipart parts named 'images'",
            description = "The same as the JSON form, with the pictures as files.")
    @APIResponse(responseCode = "201", description = "Processed at once; Location: /orders/{id}",
            content = @Content(schema = @Schema(implementation = Order.class)))
    @APIResponse(responseCode = "202", description = "Accepted as a background task; Location: /tasks/{id}",
            content = @Content(schema = @Schema(implementation = TaskView.class)))
    @APIResponse(responseCode = "400", description = "An unusable Idempotency-Key")
    @APIResponse(responseCode = "413", description = "Body or one picture too large")
    @APIResponse(responseCode = "422", description = "No pictures, too many, or an undecodable one (named by index)")
    @APIResponse(responseCode = "429", description = "Task queue full; Retry-After")
    @APIResponse(responseCode = "503", description = "Shutting down, or the model is not loaded")
    @Parameter(in = ParameterIn.HEADER, name = IDEMPOTENCY_KEY, description = IDEMPOTENCY_KEY_DOC,
            schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = IdempotencyKeys.MAX_LENGTH))
    public Uni<Response> placeMultipart(@RestForm("images") List<FileUpload> images,
            @RestForm("model") String model, @RestForm("version") String version,
            @HeaderParam("Prefer") String prefer, HttpServerRequest http) {
        List<FileUpload> parts = images == null ? List.of() : List.copyOf(images);
        return place(() -> items.fromImages(readAll(parts), model, version), prefer, http);
    }

    /**
     * The {@code Idempotency-Key} is read from the request itself: a {@code @HeaderParam} turns an empty header into no
     * header, and an empty key must be a 400, not an order without a key.
     */
    private Uni<Response> place(Supplier<OrderItems> readItems, String prefer, HttpServerRequest http) {
        boolean preferAsync = prefer != null && prefer.toLowerCase(Locale.ROOT).contains(RESPOND_ASYNC);
        String key = IdempotencyKeys.check(http.getHeader(IDEMPOTENCY_KEY));
        String owner = caller.get().name();
        return orders.place(owner, readItems, preferAsync, PredictionContext.ofRequest(owner), key)
                .map(OrderResource::response);
    }

    /**
     * 201 + the order when it was processed at once, else 202 + its task; a repeat says so in a header. Locations are
     * relative references (RFC 9110, 10.2.2): built from the Host header they would be the client's to choose.
     */
    private static Response response(OrderService.Placed placed) {
        Response.ResponseBuilder response = placed.task()
                .map(task -> Response.accepted(TaskView.of(task)).header(HttpHeaders.LOCATION, "/tasks/" + task.id())
                        .header("Retry-After", "1"))
                .orElseGet(() -> Response.status(Response.Status.CREATED)
                        .header(HttpHeaders.LOCATION, "/orders/" + placed.order().id())
                        .entity(placed.order()));
        if (placed.repeated()) {
            response.header(IDEMPOTENT_REPLAY, "true");
        }
        return response.build();
    }

    /** Runs on a worker thread (inside the items supplier): uploads are files on disk. */
    private static List<byte[]> readAll(List<FileUpload> parts) {
        List<byte[]> pictures = new ArrayList<>(parts.size());
        for (FileUpload part : parts) {
            try {
                pictures.add(Files.readAllBytes(part.uploadedFile()));
            } catch (IOException e) {
                throw new UncheckedIOException("reading an uploaded picture failed", e);
            }
        }
        return pictures;
    }

    @GET
    @Path("/me")
    @Operation(operationId = "listMyOrders", summary = "The caller's orders, newest first",
            description = "Pages with ?page= and ?size=; X-Total-Count is the number of orders in all pages.")
    @APIResponse(responseCode = "200", description = "One page of orders",
            headers = @Header(name = PagedResponse.TOTAL_COUNT_HEADER),
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Order.class)))
    @APIResponse(responseCode = "400", description = "page or size out of range")
    public Uni<Response> mine(@Valid @BeanParam PageParams paging) {
        return orders.mine(caller.get().name(), paging.page(), paging.size())
                .map(PagedResponse::of);
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getOrder", summary = "An order (its owner or an admin)",
            description = "Its owner or an admin may see an order; anyone else gets 404.")
    @APIResponse(responseCode = "200", description = "The order",
            content = @Content(schema = @Schema(implementation = Order.class)))
    @APIResponse(responseCode = "400", description = "Not a UUID")
    @APIResponse(responseCode = "404", description = "No such order, or not yours")
    public Uni<Order> get(@PathParam("id") UUID id) {
        return orders.get(id.toString(), caller.get());
    }

    @GET
    @RolesAllowed(User.ROLE_ADMIN)
    @Operation(operationId = "listOrders", summary = "All orders, newest first, optionally ?status= (admin only)",
            description = "Requires the admin role. Pages with ?page= and ?size=, optionally only orders of one "
                    + "?status=.")
    @APIResponse(responseCode = "200", description = "One page of orders",
            headers = @Header(name = PagedResponse.TOTAL_COUNT_HEADER),
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Order.class)))
    @APIResponse(responseCode = "400", description = "page, size or status invalid")
    public Uni<Response> all(@Valid @BeanParam PageParams paging, @QueryParam("status") OrderStatus status) {
        return orders.all(Optional.ofNullable(status), paging.page(), paging.size())
                .map(PagedResponse::of);
    }
}
