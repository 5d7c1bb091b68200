package dev.modelserving.web;

import dev.modelserving.problem.Problem;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.servers.Server;

/**
 * The OpenAPI document's shared parts: the Problem schema that every error response refers to (added to each operation
 * by {@link OpenApiConventions}). No {@code @ApplicationPath}: resources stay at the root.
 */
@OpenAPIDefinition(
        info = @Info(title = "model-serving", version = "1.0",
                description = "Serves an image classifier to registered users. Every error is an RFC 9457 problem "
                        + "document (application/problem+json)."),
        // Relative: the document is served by the service it describes, at whatever address it is reached.
        servers = @Server(url = "/", description = "This service"),
        components = @Components(schemas = @Schema(name = "Problem", implementation = Problem.class)))
public class ApiDocumentation extends Application {
}
