package dev.modelserving.user;

import dev.modelserving.web.PageParams;
import dev.modelserving.web.PagedResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

// Methods readable in a native image: AllowedMethods reads their JAX-RS annotations for the Allow header.
@RegisterForReflection(methods = true, fields = false)
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users", description = "Registration and lookup of users")
public class UserResource {

    private final UserService users;
    private final CurrentCaller caller;

    public UserResource(UserService users, CurrentCaller caller) {
        this.users = users;
        this.caller = caller;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "registerUser", summary = "Register a user",
            description = "Open to anyone. The password is stored as a bcrypt hash; the answer never contains it.")
    @APIResponse(responseCode = "201", description = "Registered",
            headers = @Header(name = "Location", description = "/users/{username}"),
            content = @Content(schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON")
    @APIResponse(responseCode = "409", description = "Username taken")
    @APIResponse(responseCode = "413", description = "Body too large")
    @APIResponse(responseCode = "415", description = "Not JSON")
    @APIResponse(responseCode = "422", description = "Invalid username, password or display name")
    public Uni<Response> register(@NotNull(message = "a JSON body is required") @Valid CreateUserRequest request) {
        // A relative reference (RFC 9110, 10.2.2): built from the Host header it would be the client's to choose.
        return users.register(request).map(user -> Response.status(Response.Status.CREATED)
                .header(HttpHeaders.LOCATION, "/users/" + user.username())
                .entity(UserView.of(user))
                .build());
    }

    @GET
    @Path("/me")
    @Authenticated
    @Operation(operationId = "getCurrentUser", summary = "The caller",
            description = "The user the bearer token was issued to.")
    @APIResponse(responseCode = "200", description = "The caller",
            content = @Content(schema = @Schema(implementation = UserView.class)))
    public Uni<UserView> me() {
        return users.get(caller.get().name()).map(UserView::of);
    }

    @GET
    @Path("/{username}")
    @Authenticated
    @Operation(operationId = "getUser", summary = "A user's public view",
            description = "Any registered user's name and display name, for any authenticated caller.")
    @APIResponse(responseCode = "200", description = "The user",
            content = @Content(schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "404", description = "No such user")
    public Uni<UserView> get(@PathParam("username") String username) {
        return users.get(username).map(UserView::of);
    }

    @GET
    @RolesAllowed(User.ROLE_ADMIN)
    @Operation(operationId = "listUsers", summary = "All users, by username (admin only)",
            description = "Requires the admin role. Pages with ?page= and ?size=; X-Total-Count is the number of "
                    + "users in all pages.")
    @APIResponse(responseCode = "200", description = "One page of users",
            headers = @Header(name = PagedResponse.TOTAL_COUNT_HEADER, description = "Number of users in all pages"),
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "page or size out of range")
    public Uni<Response> list(@Valid @BeanParam PageParams paging) {
        return users.list(paging.page(), paging.size()).map(page -> PagedResponse.of(page.map(UserView::of)));
    }
}
