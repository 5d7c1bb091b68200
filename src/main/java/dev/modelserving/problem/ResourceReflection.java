package dev.modelserving.problem;

import dev.modelserving.model.InferenceResource;
import dev.modelserving.model.ModelResource;
import dev.modelserving.model.PredictionResource;
import dev.modelserving.order.OrderResource;
import dev.modelserving.security.TokenResource;
import dev.modelserving.task.TaskResource;
import dev.modelserving.user.UserResource;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Keeps the JAX-RS annotations of the resources readable in a native image, for {@link AllowedMethods}. Every new
 * resource class is added here.
 */
@RegisterForReflection(targets = {UserResource.class, TokenResource.class, PredictionResource.class,
    InferenceResource.class, ModelResource.class, OrderResource.class, TaskResource.class}, methods = true, fields = false)
final class ResourceReflection {

    private ResourceReflection() {
    }
}
