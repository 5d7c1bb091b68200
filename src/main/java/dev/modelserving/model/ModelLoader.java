package dev.modelserving.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        ModelSession session;
        try {
            session = ModelSession.open(file.bytes(), config.intraOpThreads());
        } catch (Exception e) {
            throw new InvalidModelException(file.location() + " cannot be served: " + e.getMessage(), e);
        }
        try {
            String configFile = repository.location() + "/" + name + "/" + ModelRepository.CONFIG;
            List<String> labels = settings.labels().orElse(List.of());
            Optional<Classifier> classifier = classifier(session, settings, file.location(), configFile);
            if (!labels.isEmpty() && labels.size() != classifier.get().classes()) {
                throw new InvalidModelException(configFile + ": 'labels' has " + labels.size() + " names but the "
                        + "model's output '" + classifier.get().outputName() + "' has "
                        + classifier.get().classes() + " classes");
            }
            Optional<ImageFormat> image = settings.image()
                    .map(i -> i.format(classifier.orElseThrow().inputDims(), configFile));
            int maxBatchRows = settings.maxBatchRows().orElse(config.batching().maxRows());
            String configSha256 = repository.configSha256(name);
            LoadedModel draft = new LoadedModel(session, classifier, null, labels, image, settings.softmax(),
                    maxBatchRows, configSha256, new SessionUsage());
            warmUp(draft, file.location());
            long loadMillis = (System.nanoTime() - started) / 1_000_000;
            ModelMetadata metadata = new ModelMetadata(name, String.valueOf(version), file.sha256(), file.location(),
                    ModelMetadata.PLATFORM, new ModelMetadata.Signature(session.inputs(), session.outputs()),
                    labels, Instant.now(), loadMillis);
            return new LoadedModel(session, classifier, metadata, labels, image, settings.softmax(), maxBatchRows,
                    configSha256, new SessionUsage());
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * The session as a classifier when its signature makes one; a model whose config gives it labels or picture
     * settings must be one.
     */
    private static Optional<Classifier> classifier(ModelSession session, ModelSettings settings, String file,
            String configFile) {
        try {
            return Optional.of(Classifier.of(session));
        } catch (IllegalArgumentException notOne) {
            if (settings.labels().isPresent() || settings.image().isPresent()) {
                throw new InvalidModelException(configFile + ": '" + (settings.labels().isPresent()
                        ? "labels"
                        : "image") + "' is for a classifier, but " + file + " is not one: " + notOne.getMessage(),
                        notOne);
            }
            // Served through the Open Inference Protocol only.
            return Optional.empty();
        }
    }

    /** Zeros of every input's type and shape: {@code rows} for a dynamic first dimension, 1 for any other. */
    private static Map<String, Tensor> blankInputs(ModelSession session, int rows) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : session.inputs()) {
            long[] shape = spec.shape().stream().mapToLong(dim -> Math.max(1, dim)).toArray();
            if (session.batchable()) {
                shape[0] = rows;
            }
            TensorType type = TensorType.valueOf(spec.datatype());
            long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            inputs.put(spec.name(),
                    new Tensor(type, shape, ByteBuffer.allocate(Math.toIntExact(elements * type.bytes()))
                            .order(ByteOrder.nativeOrder())));
        }
        return inputs;
    }

    /**
     * Runs the model on blank input: a classifier must answer one row, softmax applied when its config asks for it, of
     * one probability per label; any other model must answer its outputs.
     */
    private void warmUp(LoadedModel model, String file) {
        if (model.classifier().isEmpty()) {
            // Two rows for a batchable model: each output must answer a row per input row, or batches cannot be split.
            Map<String, Tensor> blank = blankInputs(model.session(), model.session().batchable() ? 2 : 1);
            for (int i = 0; i < Math.max(1, config.warmupRuns()); i++) {
                Map<String, Tensor> outputs;
                try {
                    outputs = model.session().run(blank);
                } catch (IllegalStateException e) {
                    throw new InvalidModelException(file + " failed its warm-up run on zeros: " + e.getMessage()
                            + (model.session().batchable()
                                    ? " (a model whose outputs do not have a row per input "
                                            + "row needs a fixed first dimension)"
                                    : ""),
                            e);
                }
                if (outputs.size() != model.session().outputs().size()) {
                    throw new InvalidModelException(file + " answered " + outputs.keySet() + ", not every output");
                }
            }
            return;
        }
        Classifier classifier = model.classifier().get();
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
