package dev.modelserving.inference;

import dev.modelserving.model.Classifier;
import dev.modelserving.model.ImageFormat;
import dev.modelserving.model.LoadedModel;
import dev.modelserving.model.ModelLease;
import dev.modelserving.model.ServedModels;
import dev.modelserving.model.Tensor;
import dev.modelserving.model.TensorType;
import dev.modelserving.predictionlog.PredictionLog;
import dev.modelserving.predictionlog.PredictionRecord;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Classifies pictures and pixel rows with the served model and writes one prediction-log line per classified item. The
 * {@code *Now} methods block (decoding, inference) and are for callers already off the event loop (task workers, the
 * command line); the others hand the work to the inference runners ({@link BatchedInference}), which run the rows of
 * concurrent requests together.
 */
@ApplicationScoped
public class PredictionService {

    private final ServedModels served;
    private final ImagePreprocessor preprocessor;
    private final PredictionLog log;
    private final BatchedInference batched;
    private final Clock clock;

    public PredictionService(ServedModels served, ImagePreprocessor preprocessor, PredictionLog log,
            BatchedInference batched, Clock clock) {
        this.served = served;
        this.preprocessor = preprocessor;
        this.log = log;
        this.batched = batched;
        this.clock = clock;
    }

    /**
     * Decodes and classifies one PNG/JPEG picture on an inference runner of the named model (the default one when
     * {@code name} is null), in {@code version} or its newest ready one; a 422 problem when it is not a picture.
     */
    public Uni<Prediction> classifyImage(byte[] image, String name, String version, PredictionContext context) {
        return leased(name, version, model -> {
            ImageFormat format = model.requireImage();
            Classifier classifier = model.requireClassifier();
            return batched.run(model, () -> {
                long started = System.nanoTime();
                Map<String, Tensor> inputs = classifier.inputs(preprocessor.toPixels(image, format), 1);
                return new RowBatcher.Work<>(inputs, 1, model.session().batchKey(inputs),
                        outputs -> predictionOf(model, classifier.scores(outputs)[0],
                                (System.nanoTime() - started) / 1_000, context));
            });
        });
    }

    /**
     * Runs {@code work} with the model version held until its answer (or failure, or cancellation): a hot swap that
     * replaces the version meanwhile closes it only after that.
     */
    private <T> Uni<T> leased(String name, String version, Function<LoadedModel, Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            ModelLease lease = served.lease(name, version);
            try {
                return work.apply(lease.model()).onTermination().invoke(lease::close);
            } catch (RuntimeException e) {
                lease.close();
                throw e;
            }
        });
    }

    /** Decodes and classifies one PNG/JPEG picture; a 422 problem when it is not one. */
    public Prediction classifyImageNow(byte[] image, PredictionContext context) {
        long started = System.nanoTime();
        try (ModelLease lease = served.lease(null, null)) {
            LoadedModel model = lease.model();
            float[] pixels = preprocessor.toPixels(image, model.requireImage());
            float[][] outputs = model.requireClassifier().run(pixels, 1);
            return predictionOf(model, outputs[0], (System.nanoTime() - started) / 1_000, context);
        }
    }

    /**
     * Classifies rows of model inputs in one model run (far cheaper per row than one run each for a small model, where
     * the run's fixed cost dominates) with the named model and version (null: the default model, its newest ready
     * version); one prediction, and one log line, per row.
     */
    public List<Prediction> classifyRowsNow(String name, String version, List<float[]> rows,
            PredictionContext context) {
        if (rows.isEmpty()) {
            return List.of();
        }
        long started = System.nanoTime();
        try (ModelLease lease = served.lease(name, version)) {
            LoadedModel model = lease.model();
            float[][] outputs = model.requireClassifier().run(rows);
            long perRowMicros = (System.nanoTime() - started) / 1_000 / rows.size();
            List<Prediction> predictions = new ArrayList<>(rows.size());
            for (float[] row : outputs) {
                predictions.add(predictionOf(model, row, perRowMicros, context));
            }
            return predictions;
        }
    }

    /**
     * Runs the model on tensors as they are, for the Open Inference Protocol: {@code prepare} (parsing and checking the
     * request, and saying what to answer with the output) runs on an inference runner and may throw a problem for bad
     * input. Each row of a classifier is logged with its most likely label (its index when the model has no labels),
     * each row of another model (each request of one that cannot batch) without one. The answer is the model's output
     * as it is, logits included: softmax is for classification answers. Work still queued when its caller stops waiting
     * ({@code deadline}, a cancelled subscription) never runs.
     */
    public <T> Uni<T> infer(String name, String version, Function<LoadedModel, RowBatcher.Work<T>> prepare,
            PredictionContext context, Deadline deadline) {
        return leased(name, version, model -> batched.run(model, () -> {
            long started = System.nanoTime();
            RowBatcher.Work<T> work = prepare.apply(model);
            return new RowBatcher.Work<>(work.inputs(), work.rows(), work.batchKey(), outputs -> {
                long perRowMicros = (System.nanoTime() - started) / 1_000 / Math.max(1, work.rows());
                outputs.values().forEach(PredictionService::requireFinite);
                if (model.classifier().isPresent()) {
                    for (float[] row : model.classifier().get().scores(outputs)) {
                        float[] probabilities = model.probabilities(row);
                        int best = argmax(probabilities);
                        String label = model.labels().isEmpty() ? String.valueOf(best) : model.labels().get(best);
                        record(model, label, probabilities[best], perRowMicros, context);
                    }
                } else {
                    for (int i = 0; i < work.rows(); i++) {
                        record(model, null, null, perRowMicros, context);
                    }
                }
                return work.finish().apply(outputs);
            });
        }, deadline));
    }

    /** The prediction for one row of the model's output, logged. */
    private Prediction predictionOf(LoadedModel model, float[] output, long micros,
            PredictionContext context) {
        float[] probabilities = model.probabilities(output);
        requireFinite(probabilities, 0);
        Prediction prediction = Prediction.from(probabilities, model.requireLabels(), modelRef(model));
        record(model, prediction.label(), prediction.confidence(), micros, context);
        return prediction;
    }

    private void record(LoadedModel model, String label, Float confidence, long micros,
            PredictionContext context) {
        log.append(new PredictionRecord(PredictionRecord.newId(), Instant.now(clock), context.requestId(),
                context.user(),
                model.metadata().name(), model.metadata().version(), label, confidence, micros, context.orderId()));
    }

    private static Prediction.ModelRef modelRef(LoadedModel model) {
        return new Prediction.ModelRef(model.metadata().name(), model.metadata().version());
    }

    /** A floating-point output that is not all finite numbers answers nothing, naming the first row that is not. */
    private static void requireFinite(Tensor output) {
        int rowElements = output.shape().length == 0 || output.rows() == 0
                ? 1
                : Math.max(1, output.elements() / output.rows());
        if (output.type() == TensorType.FP32) {
            FloatBuffer values = output.floats();
            for (int i = 0; i < values.limit(); i++) {
                if (!Float.isFinite(values.get(i))) {
                    throw new NonFiniteOutputException(i / rowElements);
                }
            }
        } else if (output.type() == TensorType.FP64) {
            DoubleBuffer values = output.bytes().asDoubleBuffer();
            for (int i = 0; i < values.limit(); i++) {
                if (!Double.isFinite(values.get(i))) {
                    throw new NonFiniteOutputException(i / rowElements);
                }
            }
        }
    }

    /** An output that is not a finite number answers nothing: see {@link NonFiniteOutputException}. */
    private static void requireFinite(float[] row, int index) {
        for (float value : row) {
            if (!Float.isFinite(value)) {
                throw new NonFiniteOutputException(index);
            }
        }
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
