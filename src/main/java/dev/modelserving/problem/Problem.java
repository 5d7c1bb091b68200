package dev.modelserving.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem document: the one body every error response of this service has.
 *
 * @param type URI reference naming the kind of problem; stable per {@link ProblemType}
 * @param title short summary of the kind, the same for every occurrence
 * @param status the HTTP status code of the response
 * @param detail what went wrong in this occurrence, for a human
 * @param instance the request path
 * @param errors for validation problems: one entry per invalid field or parameter
 * @param incident for unexpected failures: the id under which the server logged the details
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json)")
public record Problem(
        @Schema(example = "urn:model-serving:problem:not-found") String type,
        @Schema(example = "Not Found") String title,
        @Schema(example = "404") int status,
        @Schema(example = "User 'bob' not found") String detail,
        @Schema(example = "/users/bob") String instance,
        List<FieldError> errors,
        @Schema(description = "Id of the server log entry, present on 500 responses") String incident) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ProblemType type, String detail, String instance) {
        return new Problem(type.uri(), type.title(), type.status(), detail, instance, null, null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, fieldErrors, incident);
    }

    public Problem withIncident(String incidentId) {
        return new Problem(type, title, status, detail, instance, errors, incidentId);
    }

    /**
     * One invalid input: {@code pointer} (a JSON Pointer into the body) or {@code parameter} (a path, query or header
     * parameter name), never both.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "FieldError")
    public record FieldError(
            @Schema(example = "/username") String pointer,
            @Schema(example = "size") String parameter,
            @Schema(example = "size must be between 3 and 32") String detail) {

        public static FieldError atPointer(String pointer, String detail) {
            return new FieldError(pointer, null, detail);
        }

        public static FieldError atParameter(String parameter, String detail) {
            return new FieldError(null, parameter, detail);
        }
    }
}
