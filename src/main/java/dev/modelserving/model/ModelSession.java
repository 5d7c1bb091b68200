package dev.modelserving.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session and the signature read from the model file: its inputs and outputs with their element types
 * and shapes (-1 for a dynamic dimension). The session is shared by all threads: ONNX Runtime allows concurrent
 * {@code run} calls.
 *
 * <p>
 * A model is <em>batchable</em> when the first dimension of every input and output is dynamic: the rows of several
 * requests then go into one run, each input concatenated along that dimension and each output split back along it.
 */
public final class ModelSession implements AutoCloseable {

    /**
     * Input bytes a thread's reused buffer holds at most: a batch of 32 pictures of 224 x 224 x 3 FP32 values fits.
     * Larger runs get a buffer of their own.
     */
    static final int MAX_CACHED_BYTES = 20 << 20;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final boolean batchable;
    /** Whether every dimension after the batch is fixed: then every valid request has the same shapes. */
    private final boolean fixedRows;
    /** Per thread, a direct buffer per input: ONNX Runtime reads one in place, where a heap one would be copied. */
    private final ThreadLocal<ByteBuffer[]> buffers;

    private ModelSession(OrtEnvironment env, OrtSession session, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this.env = env;
        this.session = session;
        this.inputs = inputs;
        this.outputs = outputs;
        this.batchable = inputs.stream().allMatch(ModelSession::batchDimension)
                && outputs.stream().allMatch(ModelSession::batchDimension);
        this.fixedRows = inputs.stream().allMatch(spec -> spec.shape().stream().skip(1).allMatch(dim -> dim >= 0));
        this.buffers = ThreadLocal.withInitial(() -> new ByteBuffer[inputs.size()]);
    }

    private static boolean batchDimension(TensorSpec spec) {
        return !spec.shape().isEmpty() && spec.shape().get(0) < 0;
    }

    /** Opens a session and reads the model's signature; refused when an input or output is of no served type. */
    public static ModelSession open(byte[] model, int intraOpThreads) throws OrtException {
        OrtEnvironment env = OnnxRuntimeEnvironment.get();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(intraOpThreads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        OrtSession session = env.createSession(model, options);
        try {
            return new ModelSession(env, session, specs(session.getInputInfo(), "input"),
                    specs(session.getOutputInfo(), "output"));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> nodes, String role) {
        List<TensorSpec> specs = new ArrayList<>();
        for (NodeInfo node : nodes.values()) {
            if (!(node.getInfo() instanceof TensorInfo tensor)) {
                throw new IllegalArgumentException("the model's " + role + " '" + node.getName() + "' is not a "
                        + "tensor but " + node.getInfo() + "; only tensors are served (a scikit-learn classifier "
                        + "is exported without its ZipMap for that)");
            }
            TensorType type = TensorType.of(tensor.type).orElseThrow(() -> new IllegalArgumentException(
                    "the model's " + role + " '" + node.getName() + "' has elements of type " + tensor.onnxType
                            + ", which are not served; served: " + Arrays.toString(TensorType.values())));
            specs.add(new TensorSpec(node.getName(), type.name(), Arrays.stream(tensor.getShape()).boxed().toList()));
        }
        return List.copyOf(specs);
    }

    public List<TensorSpec> inputs() {
        return inputs;
    }

    public List<TensorSpec> outputs() {
        return outputs;
    }

    public boolean batchable() {
        return batchable;
    }

    /**
     * What inputs must share to go into one run: for a batchable model, the shapes after the first dimension (equal for
     * every request when the model fixes them); null for a model whose every request runs alone.
     */
    public Object batchKey(Map<String, Tensor> given) {
        if (!batchable) {
            return null;
        }
        if (fixedRows) {
            // Requests are checked against the fixed shapes, so they all share one key: nothing to build per request.
            return this;
        }
        List<List<Long>> key = new ArrayList<>(inputs.size());
        for (TensorSpec spec : inputs) {
            long[] shape = given.get(spec.name()).shape();
            key.add(Arrays.stream(shape, 1, shape.length).boxed().toList());
        }
        return key;
    }

    /**
     * Runs the model once on blocks of inputs (each a request's, every input of the model named), written one after the
     * other along the first dimension when there are several; each block gets its rows of every output back.
     */
    public List<Map<String, Tensor>> run(List<Map<String, Tensor>> blocks) {
        if (blocks.size() > 1 && !batchable) {
            throw new IllegalArgumentException("this model runs one request at a time, got " + blocks.size());
        }
        Map<String, Tensor> outputs = runJoined(blocks);
        if (blocks.size() == 1) {
            return List.of(outputs);
        }
        List<Map<String, Tensor>> split = new ArrayList<>(blocks.size());
        int at = 0;
        for (Map<String, Tensor> block : blocks) {
            int rows = block.get(inputs.get(0).name()).rows();
            Map<String, Tensor> mine = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> output : outputs.entrySet()) {
                mine.put(output.getKey(), rows(output.getValue(), at, rows));
            }
            split.add(mine);
            at += rows;
        }
        return split;
    }

    /** Runs the model once on its inputs, by name, and returns every output by name, in the model's order. */
    public Map<String, Tensor> run(Map<String, Tensor> given) {
        return runJoined(List.of(given));
    }

    /** Rows {@code from} to {@code from + count} of a batch's output. */
    private static Tensor rows(Tensor output, int from, int count) {
        int rowBytes = output.data().limit() / Math.max(1, output.rows());
        long[] shape = output.shape().clone();
        shape[0] = count;
        return new Tensor(output.type(), shape, output.data().slice(from * rowBytes, count * rowBytes)
                .order(ByteOrder.nativeOrder()));
    }

    /**
     * One run on the blocks' inputs, each input's blocks copied one after the other into the thread's direct buffer.
     *
     * @throws IllegalStateException when ONNX Runtime refuses the run, or a batchable model's output does not have as
     * many rows as its input
     */
    private Map<String, Tensor> runJoined(List<Map<String, Tensor>> blocks) {
        ByteBuffer[] cached = buffers.get();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            long rows = 0;
            for (int i = 0; i < inputs.size(); i++) {
                TensorSpec spec = inputs.get(i);
                Tensor first = blocks.get(0).get(spec.name());
                long[] shape = first.shape().clone();
                int bytes = 0;
                for (Map<String, Tensor> block : blocks) {
                    bytes += block.get(spec.name()).data().limit();
                }
                ByteBuffer direct = direct(cached, i, bytes);
                if (blocks.size() > 1) {
                    shape[0] = 0;
                }
                for (Map<String, Tensor> block : blocks) {
                    Tensor tensor = block.get(spec.name());
                    direct.put(tensor.bytes());
                    if (blocks.size() > 1) {
                        shape[0] += tensor.shape()[0];
                    }
                }
                rows = shape.length == 0 ? 0 : shape[0];
                feeds.put(spec.name(), OnnxTensor.createTensor(env, direct.flip(), shape, first.type().onnx()));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                Map<String, Tensor> answer = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> entry : result) {
                    OnnxTensor value = (OnnxTensor) entry.getValue();
                    TensorInfo info = value.getInfo();
                    long[] shape = info.getShape();
                    if (batchable && (shape.length == 0 || shape[0] != rows)) {
                        throw new IllegalStateException("the model's output '" + entry.getKey() + "' has shape "
                                + Arrays.toString(shape) + " for " + rows + " input rows");
                    }
                    TensorType type = TensorType.of(info.type).orElseThrow();
                    answer.put(entry.getKey(), new Tensor(type, shape, value.getByteBuffer()));
                }
                return answer;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("inference failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The thread's buffer for input {@code index}, cleared, with room for {@code bytes}; replaced by a larger one when
     * it is too small, and not kept when a run needs more than {@link #MAX_CACHED_BYTES}.
     */
    private static ByteBuffer direct(ByteBuffer[] cached, int index, int bytes) {
        ByteBuffer buffer = cached[index];
        if (buffer == null || buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            if (bytes <= MAX_CACHED_BYTES) {
                cached[index] = buffer;
            }
        }
        return buffer.clear().limit(bytes);
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
