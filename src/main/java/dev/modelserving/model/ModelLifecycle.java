package dev.modelserving.model;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private final ServedModels served;
    private final MeterRegistry metrics;

    public ModelLifecycle(ModelConfig config, ModelsConfig models, ServedModels served, MeterRegistry metrics) {
        this.config = config;
        this.models = models;
        this.served = served;
        this.metrics = metrics;
    }

    /**
     * Loads, checks and warms every model of the repository, each version its policy selects. A model or version that
     * cannot be loaded is UNAVAILABLE with the reason while the others serve; when the default model has no version
     * ready, the start fails, unless {@code app.model.fail-fast=false}.
     */
    public void load() {
        rejectRemovedKeys();
        ModelRepository repository = ModelRepository.open(models.repository());
        String name = models.defaultName().orElse(PREFERRED_DEFAULT);
        try {
            name = defaultName(repository);
            served.defaultModel(name);
            for (String model : repository.names()) {
                served.put(loadModel(repository, model));
            }
            LoadedModel ready = served.current().orElseThrow(() -> new InvalidModelException(served.index().stream()
                    .filter(entry -> entry.name().equals(served.defaultName()))
                    .map(entry -> (entry.version().isEmpty() ? "" : "version " + entry.version() + ": ")
                            + entry.reason())
                    .reduce((a, b) -> a + "; " + b).orElse("it is not in the repository")));
            LOG.infof("Serving %d model(s) from %s; the default is '%s' version %s", repository.names().size(),
                    repository.location(), name, ready.metadata().version());
        } catch (RuntimeException e) {
            String reason = "loading failed: " + e.getMessage();
            served.notReady(reason);
            if (config.failFast()) {
                LOG.errorf("Model '%s' could not be loaded: %s. Stopping (app.model.fail-fast=true).", name,
                        e.getMessage());
                throw new IllegalStateException("model '" + name + "' could not be loaded: " + e.getMessage(), e);
            }
            LOG.errorf("Model '%s' could not be loaded; serving with readiness DOWN (app.model.fail-fast=false): %s",
                    name, e.getMessage());
        }
    }

    /** Readiness DOWN and every session closed: last in the shutdown, after the runners stopped. */
    public void close() {
        served.notReady("the service is shutting down");
        List<LoadedModel> all = served.all();
        served.clear();
        for (LoadedModel model : all) {
            model.classifier().close();
            LOG.infof("Model '%s' closed", model.id());
        }
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

    /** The model's versions, each loaded or UNAVAILABLE with its reason; the model UNAVAILABLE when none can be. */
    private ServedModels.Model loadModel(ModelRepository repository, String name) {
        try {
            if (!ModelRepository.NAME.matcher(name).matches()) {
                throw new InvalidModelException(repository.location() + "/" + name + ": '" + name
                        + "' is not a model name: use 1 to 64 of A-Z a-z 0-9 _ . -");
            }
            ModelSettings settings = repository.settings(name);
            ModelRepository.Versions present = repository.versions(name);
            present.invalid().values().forEach(reason -> LOG.errorf("Model '%s': %s", name, reason));
            List<Integer> selected = settings.versionPolicy().select(present.valid());
            if (selected.isEmpty()) {
                throw new InvalidModelException(repository.location() + "/" + name + "/" + ModelRepository.CONFIG
                        + ": 'versionPolicy' selects none of the versions " + present.valid());
            }
            List<ServedModels.Version> versions = new ArrayList<>();
            for (int version : selected) {
                Gauge.builder("model.loaded", served, s -> s.isReady(name, version) ? 1 : 0)
                        .description("1 while the model version serves, 0 otherwise")
                        .tags("model", name, "version", String.valueOf(version)).register(metrics);
                long started = System.nanoTime();
                try {
                    LoadedModel model = load(repository, name, settings, version, started);
                    versions.add(ServedModels.Version.ready(model));
                    ModelMetadata meta = model.metadata();
                    LOG.infof("Model '%s' version %s loaded from %s in %d ms (sha256 %s, %d labels)", meta.name(),
                            meta.version(), meta.source(), meta.loadMillis(), meta.sha256(), meta.labels().size());
                } catch (RuntimeException e) {
                    versions.add(new ServedModels.Version(version, ServedModels.State.UNAVAILABLE, e.getMessage(),
                            null));
                    LOG.errorf("Model '%s' version %d is unavailable: %s", name, version, e.getMessage());
                }
            }
            boolean any = versions.stream().anyMatch(v -> v.state() == ServedModels.State.READY);
            return new ServedModels.Model(name, any ? ServedModels.State.READY : ServedModels.State.UNAVAILABLE,
                    any ? "" : "no version could be loaded", List.copyOf(versions), present.invalid());
        } catch (RuntimeException e) {
            LOG.errorf("Model '%s' is unavailable: %s", name, e.getMessage());
            return new ServedModels.Model(name, ServedModels.State.UNAVAILABLE, e.getMessage(), List.of(),
                    Map.of());
        }
    }

    private LoadedModel load(ModelRepository repository, String name, ModelSettings settings, int version,
            long started) {
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
            LoadedModel draft = new LoadedModel(classifier, null, labels, image, settings.softmax(),
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
            return new LoadedModel(classifier, metadata, labels, image, settings.softmax(), maxBatchRows);
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
