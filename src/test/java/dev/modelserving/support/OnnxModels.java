package dev.modelserving.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * ONNX models with known weights, written by hand as the protobuf messages of onnx.proto (ModelProto, GraphProto,
 * NodeProto, ...): each test model's output can be computed on paper, so the preprocessing and serving around it can be
 * proven, not just exercised.
 */
public final class OnnxModels {

    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int BOOL = 9;
    static final int DOUBLE = 11;
    private static final int OPSET = 13;

    private OnnxModels() {
    }

    /**
     * A colour "classifier" whose three scores are the mean of each channel: a solid red picture scores highest on
     * class 0. Input {@code [N, 3, h, w]} (NCHW) or {@code [N, h, w, 3]} (NHWC), output {@code [N, 3]}.
     */
    public static byte[] channelMeans(boolean channelsFirst, int height, int width) {
        long[] input = channelsFirst ? new long[]{-1, 3, height, width} : new long[]{-1, height, width, 3};
        long[] axes = channelsFirst ? new long[]{2, 3} : new long[]{1, 2};
        return model(List.of(node("ReduceMean", List.of("image"), List.of("scores"), intsAttribute("axes", axes),
                intAttribute("keepdims", 0))), List.of(valueInfo("image", input)),
                List.of(valueInfo("scores", -1, 3)), List.of());
    }

    /**
     * {@code y = x W + b} for an input {@code [N, rows]} and {@code W} of {@code rows x cols}: outputs by hand for any
     * input.
     */
    public static byte[] linear(float[][] weights, float[] bias) {
        int rows = weights.length;
        int cols = bias.length;
        float[] flat = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(weights[r], 0, flat, r * cols, cols);
        }
        return model(List.of(node("MatMul", List.of("x", "W"), List.of("xw")),
                node("Add", List.of("xw", "b"), List.of("y"))),
                List.of(valueInfo("x", -1, rows)), List.of(valueInfo("y", -1, cols)),
                List.of(floatTensor("W", new long[]{rows, cols}, flat), floatTensor("b", new long[]{cols}, bias)));
    }

    /**
     * A model that answers {@code answer} for any input {@code [N, 1]}, after real work: {@code x} through a
     * {@code width x width} layer of zero weights (about width^2 multiply-adds a row), so that runs take long enough to
     * be in progress when something happens to the session. Zero weights make the answer exact.
     */
    public static byte[] constantAfterWork(float answer, int width) {
        float[] ones = new float[width];
        Arrays.fill(ones, 1f);
        return model(List.of(node("MatMul", List.of("x", "A"), List.of("h1")),
                node("MatMul", List.of("h1", "B"), List.of("h2")),
                node("MatMul", List.of("h2", "C"), List.of("h3")),
                node("Add", List.of("h3", "k"), List.of("y"))),
                List.of(valueInfo("x", -1, 1)), List.of(valueInfo("y", -1, 1)),
                List.of(floatTensor("A", new long[]{1, width}, ones),
                        floatTensor("B", new long[]{width, width}, new float[width * width]),
                        floatTensor("C", new long[]{width, 1}, new float[width]),
                        floatTensor("k", new long[]{1}, new float[]{answer})));
    }

    /**
     * Two inputs and two outputs: {@code sum = a + b} and {@code product = a * b}, element by element, for inputs
     * {@code [N, 2]}.
     */
    public static byte[] sumAndProduct() {
        return model(List.of(node("Add", List.of("a", "b"), List.of("sum")),
                node("Mul", List.of("a", "b"), List.of("product"))),
                List.of(valueInfo("a", -1, 2), valueInfo("b", -1, 2)),
                List.of(valueInfo("sum", -1, 2), valueInfo("product", -1, 2)), List.of());
    }

    /**
     * One input and one output of each integer, FP64 and BOOL type, each {@code [N, 2]}, with an answer that proves the
     * model saw the value: {@code ids + ids} (INT64), {@code -counts} (INT32), {@code -offsets} (INT8), {@code pixels}
     * as they are (UINT8), {@code x + x} (FP64), {@code not flags} (BOOL).
     */
    public static byte[] everyType() {
        return model(List.of(node("Add", List.of("ids", "ids"), List.of("ids_doubled")),
                node("Neg", List.of("counts"), List.of("counts_negated")),
                node("Neg", List.of("offsets"), List.of("offsets_negated")),
                node("Identity", List.of("pixels"), List.of("pixels_out")),
                node("Add", List.of("x", "x"), List.of("x_doubled")),
                node("Not", List.of("flags"), List.of("flags_negated"))),
                List.of(typedValueInfo("ids", INT64, -1, 2), typedValueInfo("counts", INT32, -1, 2),
                        typedValueInfo("offsets", INT8, -1, 2), typedValueInfo("pixels", UINT8, -1, 2),
                        typedValueInfo("x", DOUBLE, -1, 2), typedValueInfo("flags", BOOL, -1, 2)),
                List.of(typedValueInfo("ids_doubled", INT64, -1, 2), typedValueInfo("counts_negated", INT32, -1, 2),
                        typedValueInfo("offsets_negated", INT8, -1, 2), typedValueInfo("pixels_out", UINT8, -1, 2),
                        typedValueInfo("x_doubled", DOUBLE, -1, 2), typedValueInfo("flags_negated", BOOL, -1, 2)),
                List.of());
    }

    /**
     * A model that cannot batch: input {@code [2, 3]}, every dimension fixed, output {@code [2]} the largest value of
     * each row.
     */
    public static byte[] fixedRowMaxima() {
        return model(List.of(node("ReduceMax", List.of("x"), List.of("max"), intsAttribute("axes", 1),
                intAttribute("keepdims", 0))), List.of(valueInfo("x", 2, 3)), List.of(valueInfo("max", 2)),
                List.of());
    }

    /**
     * A batchable model whose rows have any length: input {@code [N, L]}, output {@code [N, 1]} the largest value of
     * each row. Requests with rows of different lengths cannot share a run.
     */
    public static byte[] rowMaxima() {
        return model(List.of(node("ReduceMax", List.of("x"), List.of("max"), intsAttribute("axes", 1),
                intAttribute("keepdims", 1))), List.of(valueInfo("x", -1, -2)), List.of(valueInfo("max", -1, 1)),
                List.of());
    }

    /**
     * A model whose file declares a batch dimension its output does not follow: input {@code [N, 2]}, output declared
     * {@code [N]} but computed as the input flattened ({@code [2N]} values). Its batches could not be split.
     */
    public static byte[] flattenClaimingRows() {
        return model(List.of(node("Reshape", List.of("x", "flat"), List.of("values"))),
                List.of(valueInfo("x", -1, 2)), List.of(valueInfo("values", -1)),
                List.of(int64Tensor("flat", new long[]{1}, new long[]{-1})));
    }

    /**
     * Writes {@code <root>/<name>/<version>/model.onnx} and, when {@code config} is not null, the model's config.json.
     */
    public static Path writeModel(Path root, String name, int version, byte[] model, String config) {
        try {
            Path dir = Files.createDirectories(root.resolve(name).resolve(String.valueOf(version)));
            Files.write(dir.resolve("model.onnx"), model);
            if (config != null) {
                Files.writeString(root.resolve(name).resolve("config.json"), config);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] model(List<Message> nodes, List<Message> inputs, List<Message> outputs, List<Message> initializers) {
        Message graph = new Message();
        nodes.forEach(node -> graph.message(1, node));
        graph.string(2, "test");
        initializers.forEach(tensor -> graph.message(5, tensor));
        inputs.forEach(input -> graph.message(11, input));
        outputs.forEach(output -> graph.message(12, output));
        return new Message()
                .varint(1, 8) // ir_version
                .string(2, "model-serving-tests")
                .message(7, graph)
                .message(8, new Message().string(1, "").varint(2, OPSET))
                .bytes();
    }

    static Message node(String op, List<String> inputs, List<String> outputs, Message... attributes) {
        Message node = new Message();
        inputs.forEach(input -> node.string(1, input));
        outputs.forEach(output -> node.string(2, output));
        node.string(4, op);
        for (Message attribute : attributes) {
            node.message(5, attribute);
        }
        return node;
    }

    static Message intAttribute(String name, long value) {
        return new Message().string(1, name).varint(3, value).varint(20, 2);
    }

    static Message intsAttribute(String name, long... values) {
        Message attribute = new Message().string(1, name);
        for (long value : values) {
            attribute.varint(8, value);
        }
        return attribute.varint(20, 7);
    }

    /** An FP32 tensor's name and shape: see {@link #typedValueInfo}. */
    static Message valueInfo(String name, long... dims) {
        return typedValueInfo(name, FLOAT, dims);
    }

    /**
     * A tensor's name, element type and shape; a negative dimension is dynamic: -1 is the batch ("N"), -2 another
     * ("L").
     */
    static Message typedValueInfo(String name, int elementType, long... dims) {
        Message shape = new Message();
        for (long dim : dims) {
            shape.message(1, dim == -1
                    ? new Message().string(2, "N")
                    : dim < 0 ? new Message().string(2, "L") : new Message().varint(1, dim));
        }
        Message tensorType = new Message().varint(1, elementType).message(2, shape);
        return new Message().string(1, name).message(2, new Message().message(1, tensorType));
    }

    static Message int64Tensor(String name, long[] dims, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            raw.putLong(value);
        }
        return initializer(name, dims, INT64, raw.array());
    }

    static Message floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            raw.putFloat(value);
        }
        return initializer(name, dims, FLOAT, raw.array());
    }

    /** A TensorProto with its values as little-endian raw data. */
    private static Message initializer(String name, long[] dims, int elementType, byte[] raw) {
        Message tensor = new Message();
        for (long dim : dims) {
            tensor.varint(1, dim);
        }
        return tensor.varint(2, elementType).string(8, name).raw(9, raw);
    }

    /** A protobuf message being written: fields in the order they are added. */
    static final class Message {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Message varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Message string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Message message(int field, Message value) {
            return raw(field, value.bytes());
        }

        Message raw(int field, byte[] value) {
            writeVarint((long) field << 3 | 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
