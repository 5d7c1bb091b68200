package dev.modelserving.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session for a model with one FP32 input {@code [batch, ...]} (any fixed dimensions after the batch,
 * {@link #features()} values a row in all) and one FP32 output {@code [batch, classes]}. The session is shared by all
 * threads: ONNX Runtime allows concurrent {@code run} calls.
 */
public final class Classifier implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final String outputName;
    private final long[] inputDims;
    private final int features;
    private final int classes;
    /** Rows a thread's reused input buffer holds (an order job's run is 16, a batched run at most 32 by default). */
    static final int CACHED_ROWS = 32;
    private final ThreadLocal<FloatBuffer> inputs = new ThreadLocal<>();

    private Classifier(OrtEnvironment env, OrtSession session, String inputName, String outputName, long[] inputDims,
            int classes) {
        this.env = env;
        this.session = session;
        this.inputName = inputName;
        this.outputName = outputName;
        this.inputDims = inputDims;
        long product = 1;
        for (long dim : inputDims) {
            product *= dim;
        }
        this.features = (int) product;
        this.classes = classes;
    }

    /** Opens a session and checks that the model has the signature this service can serve. */
    public static Classifier open(byte[] model, int intraOpThreads) throws OrtException {
        OrtEnvironment env = OnnxRuntimeEnvironment.get();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(intraOpThreads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        OrtSession session = env.createSession(model, options);
        try {
            if (session.getNumInputs() != 1 || session.getNumOutputs() != 1) {
                throw new IllegalArgumentException("the model must have one input and one output, it has "
                        + session.getNumInputs() + " and " + session.getNumOutputs());
            }
            NodeInfo input = session.getInputInfo().values().iterator().next();
            NodeInfo output = session.getOutputInfo().values().iterator().next();
            long[] inputDims = rowDims(input, "input", Integer.MAX_VALUE / Float.BYTES / CACHED_ROWS);
            long[] outputDims = rowDims(output, "output", Integer.MAX_VALUE);
            if (outputDims.length != 1) {
                throw new IllegalArgumentException("the model's output '" + output.getName()
                        + "' must have shape [batch, classes], it has " + shapeText(outputDims));
            }
            return new Classifier(env, session, input.getName(), output.getName(), inputDims, (int) outputDims[0]);
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
    }

    /**
     * The dimensions of one row of an FP32 tensor {@code [batch, ...]}: every one after the batch must be fixed. The
     * batch dimension must be dynamic (-1 or named), so that requests' rows can share a run.
     */
    private static long[] rowDims(NodeInfo node, String role, long maxValues) {
        if (!(node.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT
                || tensor.getShape().length < 2) {
            throw new IllegalArgumentException("the model's " + role + " '" + node.getName()
                    + "' must be an FP32 tensor of shape [batch, ...], it is " + node.getInfo());
        }
        long[] shape = tensor.getShape();
        if (shape[0] > 0) {
            throw new IllegalArgumentException("the model's " + role + " '" + node.getName() + "' has shape "
                    + shapeText(shape) + ", a fixed first dimension; only models with a dynamic batch dimension are "
                    + "served");
        }
        long[] row = Arrays.copyOfRange(shape, 1, shape.length);
        long values = 1;
        for (long dim : row) {
            if (dim <= 0) {
                throw new IllegalArgumentException("the model's " + role + " '" + node.getName() + "' has shape "
                        + shapeText(shape) + "; every dimension after the batch must be fixed");
            }
            values *= dim;
            if (values > maxValues) {
                throw new IllegalArgumentException("the model's " + role + " '" + node.getName() + "' has shape "
                        + shapeText(shape) + ": too many values a row");
            }
        }
        return row;
    }

    private static String shapeText(long[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Runs the model on {@code batch} rows of {@link #features()} values each, laid out row after row.
     *
     * @return one row of {@link #classes()} scores per input row
     */
    public float[][] run(float[] rows, int batch) {
        if (rows.length != batch * features) {
            throw new IllegalArgumentException("expected " + batch * features + " values, got " + rows.length);
        }
        FloatBuffer input = inputBuffer(rows.length);
        input.put(rows).flip();
        return run(input, batch);
    }

    /**
     * Runs the model on rows of {@link #features()} values each, copied straight into the input buffer.
     *
     * @return one row of {@link #classes()} scores per input row
     */
    public float[][] run(List<float[]> rows) {
        return run(rows, rows.size());
    }

    /**
     * Runs the model on blocks of whole rows ({@code rows} in all), copied one after the other straight into the input
     * buffer: the requests of a batch each bring theirs.
     *
     * @return one row of {@link #classes()} scores per input row, in block order
     */
    public float[][] run(List<float[]> blocks, int rows) {
        FloatBuffer input = inputBuffer(rows * features);
        for (float[] block : blocks) {
            if (block.length % features != 0 || block.length > input.remaining()) {
                throw new IllegalArgumentException("expected " + rows + " rows of " + features
                        + " values in all, got a block of " + block.length + " values");
            }
            input.put(block);
        }
        if (input.hasRemaining()) {
            throw new IllegalArgumentException("expected " + rows + " rows of " + features + " values, got "
                    + input.position() / features);
        }
        return run(input.flip(), rows);
    }

    private float[][] run(FloatBuffer input, int batch) {
        long[] shape = new long[inputDims.length + 1];
        shape[0] = batch;
        System.arraycopy(inputDims, 0, shape, 1, inputDims.length);
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            return (float[][]) result.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("inference failed: " + e.getMessage(), e);
        }
    }

    /**
     * A direct buffer for model inputs: ONNX Runtime reads one in place, where a heap array would be copied into a new
     * direct buffer on every run (an allocation with a cleaner). Each thread keeps one for up to {@link #CACHED_ROWS}
     * rows (3 KB a row for the bundled model; the threads that run the model are the inference runners and the task
     * workers); a larger batch gets a buffer of its own.
     *
     * @return a buffer with room for exactly {@code values} floats
     */
    private FloatBuffer inputBuffer(int values) {
        int cached = CACHED_ROWS * features;
        if (values > cached) {
            return direct(values);
        }
        FloatBuffer buffer = inputs.get();
        if (buffer == null) {
            buffer = direct(cached);
            inputs.set(buffer);
        }
        return buffer.clear().limit(values);
    }

    private static FloatBuffer direct(int values) {
        return ByteBuffer.allocateDirect(values * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    public String inputName() {
        return inputName;
    }

    public String outputName() {
        return outputName;
    }

    /** The input's dimensions after the batch dimension. */
    public List<Long> inputDims() {
        return Arrays.stream(inputDims).boxed().toList();
    }

    public int features() {
        return features;
    }

    public int classes() {
        return classes;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed", e);
        }
    }
}
