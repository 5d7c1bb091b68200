package dev.modelserving.model;

import dev.modelserving.problem.ValidationFailedException;
import java.util.List;
import java.util.Optional;

/**
 * A usable model version: the session, the session seen as a classifier when its signature makes one, what it is, its
 * labels in output order (empty when its config names none), how pictures become its input (empty when it takes none),
 * whether its output needs a softmax to be probabilities, the rows at most in one of its runs, the checksum of the
 * config.json it was loaded with (a hot swap reloads a version whose model file or config changed), and who is using
 * its session.
 */
public record LoadedModel(ModelSession session, Optional<Classifier> classifier, ModelMetadata metadata,
        List<String> labels,
        Optional<ImageFormat> image, boolean softmax, int maxBatchRows, String configSha256, SessionUsage usage) {

    /** The model's output row as class probabilities: softmax applied when the model returns logits. */
    public float[] probabilities(float[] output) {
        return softmax ? Softmax.of(output) : output;
    }

    /** How pictures become this model's input; a 422 problem saying why when it classifies no pictures. */
    public ImageFormat requireImage() {
        requireLabels();
        return image.orElseThrow(() -> new ValidationFailedException("Model '" + metadata.name() + "' takes no "
                + "pictures: its config.json has no 'image' settings. Send it tensors at /v2/models/"
                + metadata.name() + "/infer"));
    }

    /** The model as a classifier; a 422 problem when it has no labels (and so classifies nothing). */
    public Classifier requireClassifier() {
        requireLabels();
        // Labels are accepted only for a model that is a classifier (ModelLoader).
        return classifier.orElseThrow();
    }

    /** The class names; a 422 problem when the model's config names none, so that nothing can be classified. */
    public List<String> requireLabels() {
        if (labels.isEmpty()) {
            throw new ValidationFailedException("Model '" + metadata.name() + "' has no 'labels' in its "
                    + "config.json, so its outputs cannot be named. Send it tensors at /v2/models/"
                    + metadata.name() + "/infer");
        }
        return labels;
    }

    /** Its name and version, as logs say them: {@code 'fashion-mnist' version 1}. */
    public String id() {
        return "'" + metadata.name() + "' version " + metadata.version();
    }
}
