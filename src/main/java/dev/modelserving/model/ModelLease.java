package dev.modelserving.model;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A model version held for one request: its session stays open until the lease is closed, even when a hot swap replaces
 * the version meanwhile. Close it exactly when the request is done with the model (closing twice is harmless).
 */
public final class ModelLease implements AutoCloseable {

    private final LoadedModel model;
    private final AtomicBoolean released = new AtomicBoolean();

    ModelLease(LoadedModel model) {
        this.model = model;
    }

    public LoadedModel model() {
        return model;
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            model.usage().release();
        }
    }
}
