package dev.modelserving.model;

import dev.modelserving.predictionlog.PredictionLog;
import dev.modelserving.predictionlog.PredictionRecord;
import dev.modelserving.web.BlockingWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies pictures and pixel rows with the served model and writes one prediction-log line per classified item.
 * The {@code *Now} methods block (decoding, inference) and are for callers already off the event loop; the others
 * move the work to a worker thread themselves.
 */
@ApplicationScoped
public class PredictionService {

    static final int TOP_K = 3;

    private final ServedModel served;
    private final ImagePreprocessor preprocessor;
    private final PredictionLog log;
    private final BlockingWork blocking;
    private final Clock clock;

    public PredictionService(ServedModel served, ImagePreprocessor preprocessor, PredictionLog log,
            BlockingWork blocking, Clock clock) {
        this.served = served;
        this.preprocessor = preprocessor;
        this.log = log;
        this.blocking = blocking;
        this.clock = clock;
    }

    public Uni<Prediction> classifyImage(byte[] image, PredictionContext context) {
        return blocking.run(() -> classifyImageNow(image, context));
    }

    /** Decodes and classifies one PNG/JPEG picture; a 422 problem when it is not one. */
    public Prediction classifyImageNow(byte[] image, PredictionContext context) {
        long started = System.nanoTime();
        ServedModel.Loaded model = served.require();
        float[] pixels = preprocessor.toPixels(image);
        return classify(model, pixels, started, context);
    }

    /**
     * Classifies rows of model inputs in one model run (far cheaper per row than one run each for a small model,
     * where the run's fixed cost dominates); one prediction, and one log line, per row.
     */
    public List<Prediction> classifyRowsNow(List<float[]> rows, PredictionContext context) {
        if (rows.isEmpty()) {
            return List.of();
        }
        long started = System.nanoTime();
        ServedModel.Loaded model = served.require();
        float[][] probabilities = model.classifier().run(rows);
        long perRowMicros = (System.nanoTime() - started) / 1_000 / rows.size();
        List<Prediction> predictions = new ArrayList<>(rows.size());
        for (float[] row : probabilities) {
            Prediction prediction = Prediction.from(row, model.labels(), modelRef(model), TOP_K);
            record(model, prediction.label(), prediction.confidence(), perRowMicros, context);
            predictions.add(prediction);
        }
        return predictions;
    }

    /**
     * Runs the model on a batch of rows as they are, for the Open Inference Protocol. Each row is logged with its
     * most likely label.
     *
     * @return one row of class probabilities per input row
     */
    public float[][] inferNow(float[] rows, int batch, PredictionContext context) {
        long started = System.nanoTime();
        ServedModel.Loaded model = served.require();
        float[][] probabilities = model.classifier().run(rows, batch);
        long perRowMicros = (System.nanoTime() - started) / 1_000 / Math.max(1, batch);
        for (float[] row : probabilities) {
            int best = argmax(row);
            record(model, model.labels().get(best), row[best], perRowMicros, context);
        }
        return probabilities;
    }

    private Prediction classify(ServedModel.Loaded model, float[] pixels, long started, PredictionContext context) {
        float[][] probabilities = model.classifier().run(pixels, 1);
        Prediction prediction = Prediction.from(probabilities[0], model.labels(), modelRef(model), TOP_K);
        record(model, prediction.label(), prediction.confidence(), (System.nanoTime() - started) / 1_000, context);
        return prediction;
    }

    private void record(ServedModel.Loaded model, String label, float confidence, long micros,
            PredictionContext context) {
        log.append(new PredictionRecord(Instant.now(clock), context.requestId(), context.user(),
                model.metadata().name(), model.metadata().version(), label, confidence, micros, context.orderId()));
    }

    private static Prediction.ModelRef modelRef(ServedModel.Loaded model) {
        return new Prediction.ModelRef(model.metadata().name(), model.metadata().version());
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
