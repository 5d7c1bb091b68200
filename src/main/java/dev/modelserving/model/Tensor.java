package dev.modelserving.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A tensor's values: its element type, its shape and its elements in row-major order as bytes in the platform's order
 * (ONNX Runtime's, and little-endian as the Open Inference Protocol's raw tensors are on every platform it runs on).
 * The buffer is read from position 0 to its limit; readers take views of it and never move it.
 */
public record Tensor(TensorType type, long[] shape, ByteBuffer data) {

    /** An FP32 tensor of the given shape holding {@code values}. */
    public static Tensor ofFloats(long[] shape, float[] values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        data.asFloatBuffer().put(values);
        return new Tensor(TensorType.FP32, shape, data);
    }

    /** Its elements as bytes in the platform's order, positioned at the first one. */
    public ByteBuffer bytes() {
        return data.duplicate().position(0).order(ByteOrder.nativeOrder());
    }

    /** An FP32 tensor's elements. */
    public FloatBuffer floats() {
        return bytes().asFloatBuffer();
    }

    /** How many elements there are. */
    public int elements() {
        return data.limit() / type.bytes();
    }

    /** The size of the first dimension: the rows of a batch. */
    public int rows() {
        return (int) shape[0];
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
