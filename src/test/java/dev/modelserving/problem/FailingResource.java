package dev.modelserving.problem;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

/** Test-only endpoints that fail the way real code could, to check what the client sees. */
@Path("/test-failures")
public class FailingResource {

    @GET
    @Path("/unexpected")
    public String unexpected() {
        throw new IllegalStateException("database password is hunter2, see /etc/model-serving/secret.properties");
    }

    @POST
    @Path("/echo")
    public String echo(String body) {
        return body;
    }
}
