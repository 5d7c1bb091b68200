package dev.modelserving.model;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** The model this process serves, once {@link ModelLifecycle} has loaded it, or why it is not there. */
@ApplicationScoped
public class ServedModel {

    /** A usable model: the session, what it is, and its labels in output order. */
    public record Loaded(Classifier classifier, ModelMetadata metadata, List<String> labels) {
    }

    private volatile Loaded loaded;
    private volatile String notReadyReason = "the model is being loaded";

    void ready(Loaded model) {
        this.loaded = model;
    }

    void notReady(String reason) {
        this.loaded = null;
        this.notReadyReason = reason;
    }

    public Optional<Loaded> current() {
        return Optional.ofNullable(loaded);
    }

    /** The loaded model; a 503 problem while there is none. */
    public Loaded require() {
        Loaded model = loaded;
        if (model == null) {
            throw new ModelNotReadyException(notReadyReason);
        }
        return model;
    }

    public String notReadyReason() {
        return notReadyReason;
    }
}
