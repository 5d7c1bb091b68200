package dev.modelserving.security;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /auth/token}. */
@RegisterForReflection
@Schema(name = "TokenRequest")
public record TokenRequest(
        @NotNull(message = "is required") @Size(max = 32,
                message = "must be at most 32 characters") @Schema(example = "alice") String username,
        @NotNull(message = "is required") @Size(max = 128, message = "must be at most 128 characters") @Schema(
                example = "correct horse battery") String password) {
}
