package dev.modelserving.model;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import org.jboss.logging.Logger;

/**
 * Loads, checks and warms the default model of the repository when the application starts, and closes it when the
 * application stops. Until the model is loaded, readiness is DOWN ({@link ModelReadinessCheck}) and predictions answer
 * 503.
 */
@ApplicationScoped
public class ModelLifecycle {

    private static final Logger LOG = Logger.getLogger(ModelLifecycle.class);
    private static final double PROBABILITY_TOLERANCE = 1e-3;
    /** The model a repository's requests go to when nothing names another and it has more than one. */
    static final String PREFERRED_DEFAULT = "fashion-mnist";

    private final ModelConfig config;
    private final ModelsConfig models;
    private final ServedModel served;

    public ModelLifecycle(ModelConfig config, ModelsConfig models, ServedModel served) {
        this.config = config;
        this.models = models;
        this.served = served;
    }

    /** Loads, checks and warms the model; fails startup when it cannot, unless {@code app.model.fail-fast=false}. */
    public void load() {
        rejectRemovedKeys();
        long started = System.nanoTime();
        ModelRepository repository = ModelRepository.open(models.repository());
        String name = models.defaultName().orElse(PREFERRED_DEFAULT);
        try {
            name = defaultName(repository);
            ServedModel.Loaded model = load(repository, name, started);
            served.ready(model);
            ModelMetadata meta = model.metadata();
            LOG.infof("Model '%s' version %s loaded from %s in %d ms (sha256 %s, %d labels)", meta.name(),
                    meta.version(), meta.source(), meta.loadMillis(), meta.sha256(), meta.labels().size());
        } catch (Exception e) {
            String reason = "loading failed: " + e.getMessage();
            served.notReady(reason);
            if (config.failFast()) {
                LOG.errorf("Model '%s' could not be loaded: %s. Stopping (app.model.fail-fast=true).", name,
                        e.getMessage());
                throw new IllegalStateException("model '" + name + "' could not be loaded: " + e.getMessage(), e);
            }
            LOG.errorf(e, "Model '%s' could not be loaded; serving with readiness DOWN (app.model.fail-fast=false)",
                    name);
        }
    }

    /** Readiness DOWN and the model's session closed: last in the shutdown, after the runners stopped. */
    public void close() {
        served.current().ifPresent(model -> {
            served.notReady("the service is shutting down");
            model.classifier().close();
            LOG.infof("Model '%s' closed", model.metadata().name());
        });
    }

    /** A key of the single-model configuration, replaced by the repository, stops the start naming the new keys. */
    private void rejectRemovedKeys() {
        Set<String> removed = config.removedKeysSet().keySet();
        if (!removed.isEmpty()) {
            throw new IllegalStateException(String.join(", ", removed) + (removed.size() == 1 ? " is" : " are")
                    + " no longer read: models are served from a model repository. Set app.models.repository to a "
                    + "directory holding <name>/config.json (labels, image settings) and <name>/<version>/model.onnx "
                    + "(with an optional model.sha256 beside it), and app.models.default to the model's name; see "
                    + "the README, \"Serve your own model\"");
        }
    }

    /** The configured default model, else {@value #PREFERRED_DEFAULT}, else the repository's only model. */
    private String defaultName(ModelRepository repository) {
        List<String> names = repository.names();
        Optional<String> configured = models.defaultName();
        if (configured.isPresent()) {
            if (!names.contains(configured.get())) {
                throw new InvalidModelException("app.models.default names '" + configured.get()
                        + "', which is not in the repository " + repository.location() + " (it has " + names + ")");
            }
            return configured.get();
        }
        if (names.contains(PREFERRED_DEFAULT) || names.isEmpty()) {
            return PREFERRED_DEFAULT;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        throw new InvalidModelException("the repository " + repository.location() + " has " + names.size()
                + " models " + names + "; set app.models.default to the one requests use when they name none");
    }

    private ServedModel.Loaded load(ModelRepository repository, String name, long started) {
        if (!ModelRepository.NAME.matcher(name).matches()) {
            throw new InvalidModelException("'" + name + "' is not a model name: use 1 to 64 of A-Z a-z 0-9 _ . -");
        }
        ModelSettings settings = repository.settings(name);
        SortedSet<Integer> present = repository.versions(name);
        List<Integer> selected = settings.versionPolicy().select(present);
        if (selected.isEmpty()) {
            throw new InvalidModelException("the versionPolicy of model '" + name + "' selects none of its versions "
                    + present);
        }
        int version = selected.get(0);
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
            ServedModel.Loaded draft = new ServedModel.Loaded(classifier, null, labels, image, settings.softmax(),
                    maxBatchRows);
            warmUp(draft, file.location());
            long loadMillis = (System.nanoTime() - started) / 1_000_000;
            List<Long> inputShape = new java.util.ArrayList<>(List.of(-1L));
            inputShape.addAll(classifier.inputDims());
            ModelMetadata metadata = new ModelMetadata(name, String.valueOf(version), file.sha256(), file.location(),
                    ModelMetadata.PLATFORM,
                    new ModelMetadata.Signature(
                            new TensorSpec(classifier.inputName(), "FP32", List.copyOf(inputShape)),
                            new TensorSpec(classifier.outputName(), "FP32", List.of(-1L, (long) classifier.classes()))),
                    labels, Instant.now(), loadMillis);
            return new ServedModel.Loaded(classifier, metadata, labels, image, settings.softmax(), maxBatchRows);
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
    }

    /**
     * Runs the model on blank input and checks that it answers one row; a classifier's row, softmax applied when its
     * config asks for it, must be one probability per label.
     */
    private void warmUp(ServedModel.Loaded model, String file) {
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
