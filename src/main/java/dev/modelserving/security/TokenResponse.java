package dev.modelserving.security;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An issued bearer token, in the OAuth 2.0 token response shape. */
@RegisterForReflection
@Schema(name = "TokenResponse")
public record TokenResponse(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") @Schema(example = "Bearer") String tokenType,
        @JsonProperty("expires_in") @Schema(description = "Seconds until the token expires",
                example = "900") long expiresIn) {
}
