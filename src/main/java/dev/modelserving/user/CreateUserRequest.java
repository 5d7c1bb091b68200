package dev.modelserving.user;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /users}. */
@RegisterForReflection
@Schema(name = "CreateUser")
public record CreateUserRequest(
        @NotNull(message = "is required") @Size(min = 3, max = 32, message = "must be 3 to 32 characters") @Pattern(
                regexp = "[a-z0-9_.-]*", message = "may contain only a-z, 0-9, '_', '.' and '-'") @Schema(
                        example = "alice", minLength = 3, maxLength = 32, pattern = "[a-z0-9_.-]+") String username,

        @NotNull(message = "is required") @Size(min = 8, max = 128, message = "must be 8 to 128 characters") @Schema(
                example = "correct horse battery", minLength = 8, maxLength = 128) String password,

        @Size(max = 100, message = "must be at most 100 characters")
        // No control characters (PostgreSQL cannot store NUL in text) and no lone surrogate halves (not Unicode).
        @Pattern(regexp = "[^\\p{Cc}\\p{Cs}]*",
                message = "may not contain control characters or invalid Unicode") @Schema(example = "Alice",
                        maxLength = 100, description = "Defaults to the username") String displayName) {
}
