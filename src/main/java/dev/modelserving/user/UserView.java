package dev.modelserving.user;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the API shows of a user. */
@RegisterForReflection
@Schema(name = "User")
public record UserView(
        @Schema(example = "alice") String username,
        @Schema(example = "Alice") String displayName,
        @Schema(example = "[\"user\"]") List<String> roles,
        Instant createdAt) {

    static UserView of(User user) {
        return new UserView(user.username(), user.displayName(), user.roles().stream().sorted().toList(),
                user.createdAt());
    }
}
