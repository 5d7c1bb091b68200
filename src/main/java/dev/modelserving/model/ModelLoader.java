package dev.modelserving.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Opens one model version from the repository's files, checks it against its config.json and warms it up: a version is
 * usable once this returns, before anything routes a request to it.
 */
final class ModelLoader {

    private static final double PROBABILITY_TOLERANCE = 1e-3;

    private final ModelConfig config;

    ModelLoader(ModelConfig config) {
        this.config = config;
    }

    LoadedModel load(ModelRepository repository, String name, ModelSettings settings, int version) {
        long started = System.nanoTime();
        ModelRepository.ModelFile file = repository.model(name, version);
        Classifier classifier;
        try {
            classifier = Classifier.open(file.bytes(), config.intraOpThreads());
        } catch (Exception e) {
            throw new InvalidModelException(file.location() + " cannot be served: " + e.getMessage(), e);
        }
        try {
            String configFile = repository.location() + "/" + name + "/" + ModelRepository.CONFIG;
            List<String> labels = settings.labels().orElse(List.of());
            if (!labels.isEmpty() && labels.size() != classifier.classes()) {
                throw new InvalidModelException(configFile + ": 'labels' has " + labels.size() + " names but the "
                        + "model's output '" + classifier.outputName() + "' has " + classifier.classes() + " classes");
            }
            Optional<ImageFormat> image = settings.image().map(i -> i.format(classifier.inputDims(), configFile));
            int maxBatchRows = settings.maxBatchRows().orElse(config.batching().maxRows());
            String configSha256 = repository.configSha256(name);
            LoadedModel draft = new LoadedModel(classifier, null, labels, image, settings.softmax(),
                    maxBatchRows, configSha256, new SessionUsage());
            warmUp(draft, file.location());
            long loadMillis = (System.nanoTime() - started) / 1_000_000;
            List<Long> inputShape = new ArrayList<>(List.of(-1L));
            inputShape.addAll(classifier.inputDims());
            ModelMetadata metadata = new ModelMetadata(name, String.valueOf(version), file.sha256(), file.location(),
                    ModelMetadata.PLATFORM,
                    new ModelMetadata.Signature(
                            new TensorSpec(classifier.inputName(), "FP32", List.copyOf(inputShape)),
                            new TensorSpec(classifier.outputName(), "FP32", List.of(-1L, (long) classifier.classes()))),
                    labels, Instant.now(), loadMillis);
            return new LoadedModel(classifier, metadata, labels, image, settings.softmax(), maxBatchRows,
                    configSha256, new SessionUsage());
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
    }

    /**
     * Runs the model on blank input and checks that it answers one row; a classifier's row, softmax applied when its
     * config asks for it, must be one probability per label.
     */
    private void warmUp(LoadedModel model, String file) {
        Classifier classifier = model.classifier();
        for (int i = 0; i < Math.max(1, config.warmupRuns()); i++) {
            float[][] scores = classifier.run(new float[classifier.features()], 1);
            if (scores.length != 1 || scores[0].length != classifier.classes()) {
                throw new InvalidModelException(file + " answered a batch of 1 with " + scores.length + " rows");
            }
            if (model.labels().isEmpty()) {
                continue;
            }
            double sum = 0;
            for (float score : model.probabilities(scores[0])) {
                if (!(score >= 0 && score <= 1)) {
                    throw new InvalidModelException(file + ": the output is not a probability (" + score
                            + "); a model that returns logits needs \"output\": {\"softmax\": true} in config.json");
                }
                sum += score;
            }
            if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
                throw new InvalidModelException(file + ": the outputs sum to " + sum + ", not 1; a model that "
                        + "returns logits needs \"output\": {\"softmax\": true} in config.json");
            }
        }
    }
}
