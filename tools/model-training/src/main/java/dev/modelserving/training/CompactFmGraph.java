package dev.modelserving.training;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Rewrites Tribuo's ONNX export of a factorization machine classifier into an equivalent graph of seven nodes.
 *
 * <p>
 * Tribuo writes one sub-graph per class: for ten classes 65 nodes and ten 784 x F factor matrices, each read twice
 * per run (itself and, folded by ONNX Runtime, its square). For a model this small ONNX Runtime's cost is the number
 * of nodes and the bytes of weights a run reads, not the arithmetic: one row took 60 µs, eight rows 97 µs. For class
 * c with bias b_c, linear weights w_c and factors V_c (features x F) Tribuo computes
 *
 * <pre>
 *   s_c = b_c + x·w_c + ½ Σ_f [ (x·V_c[:,f])² − x²·V_c[:,f]² ]
 * </pre>
 *
 * and the softmax of s. The last sum is x² · r_c with r_c[i] = Σ_f V_c[i,f]², a single column per class, so the
 * rewritten graph computes
 *
 * <pre>
 *   xv = x · [V_0 … V_C-1]                              (features x C·F, read once)
 *   s  = [x, x²] · [W ; −½R] + b + (xv ⊙ xv) · S       (S[c·F + f, c] = ½)
 *   output = softmax(s)
 * </pre>
 *
 * with R's columns summed in double precision. Only the order of float additions differs from Tribuo's graph;
 * {@link TrainFashionMnist} checks the two agree on the whole test set before writing the model.
 */
final class CompactFmGraph {

    private static final String LINEAR = "fm_linear_weights_0";
    private static final String BIASES = "fm_biases_0";

    private CompactFmGraph() {
    }

    /** The compact model, with Tribuo's model-level fields (producer, domain, version, provenance) kept. */
    static byte[] rewrite(byte[] tribuoExport) throws InvalidProtocolBufferException {
        ModelProto model = ModelProto.parseFrom(tribuoExport);
        GraphProto graph = model.getGraph();
        checkShape(graph);
        Map<String, TensorProto> initializers = graph.getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
        float[][] linear = matrix(require(initializers, LINEAR));
        float[] biases = vector(require(initializers, BIASES));
        int features = linear.length;
        int classes = biases.length;
        List<float[][]> factors = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            float[][] v = matrix(require(initializers, "fm_embedding_" + c + "_0"));
            if (v.length != features || (c > 0 && v[0].length != factors.get(0)[0].length)) {
                throw new IllegalArgumentException("factor matrix of class " + c + " is " + v.length + " x "
                        + v[0].length + ", not like the others");
            }
            factors.add(v);
        }
        int perClass = factors.get(0)[0].length;

        float[] stacked = new float[features * classes * perClass];
        float[] linearAndSquares = new float[2 * features * classes];
        for (int i = 0; i < features; i++) {
            for (int c = 0; c < classes; c++) {
                double squares = 0;
                for (int f = 0; f < perClass; f++) {
                    float v = factors.get(c)[i][f];
                    stacked[(i * classes + c) * perClass + f] = v;
                    squares += (double) v * v;
                }
                linearAndSquares[i * classes + c] = linear[i][c];
                linearAndSquares[(features + i) * classes + c] = (float) (-0.5 * squares);
            }
        }
        float[] halfSums = new float[classes * perClass * classes];
        for (int c = 0; c < classes; c++) {
            for (int f = 0; f < perClass; f++) {
                halfSums[(c * perClass + f) * classes + c] = 0.5f;
            }
        }

        String input = graph.getInput(0).getName();
        String output = graph.getOutput(0).getName();
        GraphProto compact = GraphProto.newBuilder()
                .setName(graph.getName())
                .addInput(graph.getInput(0))
                .addOutput(graph.getOutput(0))
                .addInitializer(tensor("factors", new long[] {features, (long) classes * perClass}, stacked))
                .addInitializer(tensor("linear_and_squares", new long[] {2L * features, classes}, linearAndSquares))
                .addInitializer(tensor("biases", new long[] {classes}, biases))
                .addInitializer(tensor("half_sums", new long[] {(long) classes * perClass, classes}, halfSums))
                .addNode(node("MatMul", List.of(input, "factors"), "projected"))
                .addNode(node("Mul", List.of("projected", "projected"), "projected_squared"))
                .addNode(node("Mul", List.of(input, input), "input_squared"))
                .addNode(node("Concat", List.of(input, "input_squared"), "input_and_squares")
                        .addAttribute(intAttribute("axis", 1)))
                .addNode(node("Gemm", List.of("input_and_squares", "linear_and_squares", "biases"), "first_order"))
                .addNode(node("Gemm", List.of("projected_squared", "half_sums", "first_order"), "scores"))
                .addNode(node("Softmax", List.of("scores"), output).addAttribute(intAttribute("axis", 1)))
                .build();
        return model.toBuilder()
                .setGraph(compact)
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("dev.modelserving.graph")
                        .setValue("Tribuo's factorization machine graph (" + graph.getNodeCount() + " nodes) "
                                + "rewritten into " + compact.getNodeCount() + " by tools/model-training "
                                + "CompactFmGraph"))
                .build().toByteArray();
    }

    /** Refuses anything but the graph this rewrite knows: Tribuo's per-class sub-graphs ending in a softmax. */
    private static void checkShape(GraphProto graph) {
        Map<String, Integer> ops = new TreeMap<>();
        graph.getNodeList().forEach(node -> ops.merge(node.getOpType(), 1, Integer::sum));
        boolean known = graph.getInputCount() == 1 && graph.getOutputCount() == 1
                && ops.keySet().equals(Set.of("Gemm", "Pow", "Sub", "ReduceSum", "Div", "Concat", "Add",
                        "Softmax", "Identity"))
                && ops.get("Softmax") == 1;
        if (!known) {
            throw new IllegalArgumentException("not a Tribuo factorization machine classifier export: operators "
                    + ops + ", " + graph.getInputCount() + " input(s), " + graph.getOutputCount() + " output(s)");
        }
    }

    private static TensorProto require(Map<String, TensorProto> initializers, String name) {
        TensorProto tensor = initializers.get(name);
        if (tensor == null || tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException("the export has no float initializer " + name);
        }
        return tensor;
    }

    private static float[] vector(TensorProto tensor) {
        if (tensor.getFloatDataCount() > 0) {
            float[] values = new float[tensor.getFloatDataCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = tensor.getFloatData(i);
            }
            return values;
        }
        // ONNX stores raw_data little-endian whatever the machine.
        ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[raw.remaining() / Float.BYTES];
        raw.asFloatBuffer().get(values);
        return values;
    }

    private static float[][] matrix(TensorProto tensor) {
        if (tensor.getDimsCount() != 2) {
            throw new IllegalArgumentException(tensor.getName() + " has dims " + tensor.getDimsList());
        }
        int rows = Math.toIntExact(tensor.getDims(0));
        int columns = Math.toIntExact(tensor.getDims(1));
        float[] flat = vector(tensor);
        float[][] matrix = new float[rows][];
        for (int r = 0; r < rows; r++) {
            matrix[r] = Arrays.copyOfRange(flat, r * columns, (r + 1) * columns);
        }
        return matrix;
    }

    private static TensorProto tensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(raw.array()));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }

    private static NodeProto.Builder node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value)
                .build();
    }
}
