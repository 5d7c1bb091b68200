package dev.modelserving.model;

/**
 * A model version that a hot swap or an unload replaced, now that its last request is done: whatever ran it (the
 * inference runners) stops before its session closes.
 */
public record RetiredModel(LoadedModel model) {
}
