package dev.modelserving.model;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * A model seen as a classifier: one FP32 input {@code [batch, ...]} (fixed dimensions after the batch,
 * {@link #features()} values a row in all) and one FP32 output {@code [batch, classes]} among its outputs. This is what
 * pictures, orders and the command line need; any other signature is served through the Open Inference Protocol only.
 */
public final class Classifier {

    /** Values a row at most: a run of 32 rows must fit in one direct buffer. */
    private static final long MAX_FEATURES = Integer.MAX_VALUE / Float.BYTES / 32;

    private final ModelSession session;
    private final TensorSpec input;
    private final long[] rowDims;
    private final int features;
    private final String output;
    private final int classes;

    private Classifier(ModelSession session, TensorSpec input, long[] rowDims, int features, String output,
            int classes) {
        this.session = session;
        this.input = input;
        this.rowDims = rowDims;
        this.features = features;
        this.output = output;
        this.classes = classes;
    }

    /**
     * The session as a classifier, or why it cannot be one: the reason says what the signature lacks.
     */
    public static Classifier of(ModelSession session) {
        if (session.inputs().size() != 1) {
            throw new IllegalArgumentException("a classifier takes one input, the model has "
                    + session.inputs().stream().map(TensorSpec::name).toList());
        }
        TensorSpec input = session.inputs().get(0);
        List<Long> shape = input.shape();
        if (!TensorType.FP32.name().equals(input.datatype()) || shape.size() < 2) {
            throw new IllegalArgumentException("the model's input '" + input.name() + "' must be an FP32 tensor "
                    + "of shape [batch, ...] for a classifier, it is " + input.datatype() + " " + shape);
        }
        if (!session.batchable()) {
            throw new IllegalArgumentException("the model's input '" + input.name() + "' has shape " + shape
                    + ", a fixed first dimension; a classifier needs a dynamic batch dimension");
        }
        long[] rowDims = new long[shape.size() - 1];
        long features = 1;
        for (int i = 1; i < shape.size(); i++) {
            rowDims[i - 1] = shape.get(i);
            features *= Math.max(0, shape.get(i));
            if (shape.get(i) <= 0 || features > MAX_FEATURES) {
                throw new IllegalArgumentException("the model's input '" + input.name() + "' has shape " + shape
                        + "; a classifier needs every dimension after the batch fixed, and at most " + MAX_FEATURES
                        + " values a row");
            }
        }
        List<TensorSpec> scores = session.outputs().stream().filter(Classifier::scoresShape).toList();
        if (scores.size() != 1) {
            throw new IllegalArgumentException("a classifier answers one FP32 output of shape [batch, classes], the "
                    + "model has " + scores.size() + " of its " + session.outputs().size() + " outputs "
                    + session.outputs().stream().map(o -> o.name() + " " + o.datatype() + " " + o.shape()).toList());
        }
        TensorSpec output = scores.get(0);
        return new Classifier(session, input, rowDims, (int) features, output.name(), output.shape().get(1)
                .intValue());
    }

    private static boolean scoresShape(TensorSpec output) {
        return TensorType.FP32.name().equals(output.datatype()) && output.shape().size() == 2
                && output.shape().get(1) > 0;
    }

    /** Rows of {@link #features()} values each, laid out row after row, as the model's input. */
    public Map<String, Tensor> inputs(float[] values, int rows) {
        if (values.length != rows * features) {
            throw new IllegalArgumentException("expected " + rows * features + " values, got " + values.length);
        }
        long[] shape = new long[rowDims.length + 1];
        shape[0] = rows;
        System.arraycopy(rowDims, 0, shape, 1, rowDims.length);
        return Map.of(input.name(), Tensor.ofFloats(shape, values));
    }

    /** The scores of each row among the model's outputs. */
    public float[][] scores(Map<String, Tensor> outputs) {
        Tensor tensor = outputs.get(output);
        FloatBuffer values = tensor.floats();
        float[][] rows = new float[tensor.rows()][classes];
        for (float[] row : rows) {
            values.get(row);
        }
        return rows;
    }

    /** Runs the model on {@code batch} rows of {@link #features()} values each, laid out row after row. */
    public float[][] run(float[] rows, int batch) {
        return scores(session.run(inputs(rows, batch)));
    }

    /** Runs the model once on rows of {@link #features()} values each. */
    public float[][] run(List<float[]> rows) {
        float[] values = new float[rows.size() * features];
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length != features) {
                throw new IllegalArgumentException("row " + i + " has " + rows.get(i).length + " values, not "
                        + features);
            }
            System.arraycopy(rows.get(i), 0, values, i * features, features);
        }
        return run(values, rows.size());
    }

    public String inputName() {
        return input.name();
    }

    public String outputName() {
        return output;
    }

    /** The input's dimensions after the batch dimension. */
    public List<Long> inputDims() {
        return input.shape().subList(1, input.shape().size());
    }

    public int features() {
        return features;
    }

    public int classes() {
        return classes;
    }
}
