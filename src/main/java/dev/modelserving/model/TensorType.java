package dev.modelserving.model;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The element types a served model's inputs and outputs may have, by their Open Inference Protocol names, with the ONNX
 * Runtime type each maps to and its size in bytes. Models with other types (strings, FP16, unsigned 16-64 bit) are
 * refused when they load: nothing here could carry their values.
 */
public enum TensorType {
    FP32(OnnxJavaType.FLOAT, 4),
    FP64(OnnxJavaType.DOUBLE, 8),
    INT64(OnnxJavaType.INT64, 8),
    INT32(OnnxJavaType.INT32, 4),
    INT16(OnnxJavaType.INT16, 2),
    INT8(OnnxJavaType.INT8, 1),
    UINT8(OnnxJavaType.UINT8, 1),
    BOOL(OnnxJavaType.BOOL, 1);

    private final OnnxJavaType onnx;
    private final int bytes;
    /** Looked up for every output of every run: a map, not a search. */
    private static final Map<OnnxJavaType, TensorType> BY_ONNX = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(type -> type.onnx, type -> type));

    TensorType(OnnxJavaType onnx, int bytes) {
        this.onnx = onnx;
        this.bytes = bytes;
    }

    /** The type ONNX Runtime calls {@code onnx}, if it is one of these. */
    public static Optional<TensorType> of(OnnxJavaType onnx) {
        return Optional.ofNullable(BY_ONNX.get(onnx));
    }

    /** The type the protocol calls {@code datatype} ({@code "FP32"}), if it is one of these. */
    public static Optional<TensorType> named(String datatype) {
        return Arrays.stream(values()).filter(type -> type.name().equals(datatype)).findFirst();
    }

    OnnxJavaType onnx() {
        return onnx;
    }

    /** Bytes an element. */
    public int bytes() {
        return bytes;
    }
}
