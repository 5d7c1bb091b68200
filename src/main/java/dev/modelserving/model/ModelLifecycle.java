package dev.modelserving.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Loads, checks and warms the model when the application starts, and closes it when the application stops. Until the
 * model is loaded, readiness is DOWN ({@link ModelReadinessCheck}) and predictions answer 503.
 */
@ApplicationScoped
public class ModelLifecycle {

    private static final Logger LOG = Logger.getLogger(ModelLifecycle.class);
    private static final double PROBABILITY_TOLERANCE = 1e-3;

    private final ModelConfig config;
    private final ServedModel served;
    private final ObjectMapper json;

    public ModelLifecycle(ModelConfig config, ServedModel served, ObjectMapper json) {
        this.config = config;
        this.served = served;
        this.json = json;
    }

    /** Loads, checks and warms the model; fails startup when it cannot, unless {@code app.model.fail-fast=false}. */
    public void load() {
        long started = System.nanoTime();
        try {
            ServedModel.Loaded model = load(started);
            served.ready(model);
            ModelMetadata meta = model.metadata();
            LOG.infof("Model '%s' version %s loaded from %s in %d ms (sha256 %s, %d labels)", meta.name(),
                    meta.version(), meta.source(), meta.loadMillis(), meta.sha256(), meta.labels().size());
        } catch (Exception e) {
            String reason = "loading failed: " + e.getMessage();
            served.notReady(reason);
            if (config.failFast()) {
                LOG.errorf("Model '%s' could not be loaded: %s. Stopping (app.model.fail-fast=true).",
                        config.name(), e.getMessage());
                throw new IllegalStateException("model '" + config.name() + "' could not be loaded: "
                        + e.getMessage(), e);
            }
            LOG.errorf(e, "Model '%s' could not be loaded; serving with readiness DOWN (app.model.fail-fast=false)",
                    config.name());
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

    private ServedModel.Loaded load(long started) throws Exception {
        ModelSource source = ModelSource.load(config);
        List<String> labels = Arrays.asList(json.readValue(source.labelsJson(), String[].class));
        Classifier classifier = Classifier.open(source.model(), config.intraOpThreads());
        try {
            if (classifier.classes() != labels.size()) {
                throw new IllegalArgumentException("the model has " + classifier.classes() + " outputs but "
                        + labels.size() + " labels");
            }
            warmUp(classifier);
            long loadMillis = (System.nanoTime() - started) / 1_000_000;
            ModelMetadata metadata = new ModelMetadata(config.name(), config.version(), source.sha256(),
                    source.location(), ModelMetadata.PLATFORM,
                    new ModelMetadata.Signature(
                            new TensorSpec(classifier.inputName(), "FP32", List.of(-1L, (long) classifier.features())),
                            new TensorSpec(classifier.outputName(), "FP32", List.of(-1L, (long) classifier.classes()))),
                    List.copyOf(labels), Instant.now(), loadMillis);
            return new ServedModel.Loaded(classifier, metadata, List.copyOf(labels));
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
    }

    /** Runs the model on blank input and checks that it answers with one probability per label. */
    private void warmUp(Classifier classifier) {
        for (int i = 0; i < Math.max(1, config.warmupRuns()); i++) {
            float[][] scores = classifier.run(new float[classifier.features()], 1);
            if (scores.length != 1 || scores[0].length != classifier.classes()) {
                throw new IllegalArgumentException("the model answered a batch of 1 with " + scores.length + " rows");
            }
            double sum = 0;
            for (float score : scores[0]) {
                if (!(score >= 0 && score <= 1)) {
                    throw new IllegalArgumentException("the model's output is not a probability: " + score);
                }
                sum += score;
            }
            if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
                throw new IllegalArgumentException("the model's outputs sum to " + sum + ", not 1: not a softmax");
            }
        }
    }
}
