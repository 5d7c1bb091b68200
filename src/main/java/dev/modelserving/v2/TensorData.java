package dev.modelserving.v2;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import dev.modelserving.model.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The {@code data} of a V2 input tensor: its elements in row-major order, read straight from the JSON stream (flat or
 * nested arrays) as the tensor's datatype into bytes, without building a tree of the thousands of values a batch has.
 *
 * @param values the elements, in the platform's byte order, from position 0 to the limit
 * @param count how many elements there are
 * @param problem why the data is not usable (not an array, a value that is not of the datatype), if it is not
 */
@Schema(name = "TensorData", type = SchemaType.ARRAY, implementation = Object.class,
        description = "Row-major elements, flat ([0.1, 0.2]) or nested ([[0.1], [0.2]]): numbers, or true/false for BOOL")
public record TensorData(ByteBuffer values, int count, Optional<String> problem) {

    /** Streams the JSON array (nested to any depth) at the parser's current token as elements of {@code type}. */
    static TensorData read(JsonParser parser, TensorType type) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return new TensorData(ByteBuffer.allocate(0), 0, Optional.of("data that is not an array"));
        }
        ByteBuffer values = ByteBuffer.allocate(1024 * type.bytes()).order(ByteOrder.nativeOrder());
        int count = 0;
        int depth = 1;
        String problem = null;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                break;
            }
            if (token == JsonToken.START_ARRAY) {
                depth++;
                continue;
            }
            if (token == JsonToken.END_ARRAY) {
                depth--;
                continue;
            }
            if (values.remaining() < type.bytes()) {
                values = ByteBuffer.allocate(values.capacity() * 2).order(ByteOrder.nativeOrder()).put(values.flip());
            }
            if (problem == null) {
                String wrong = put(values, type, token, parser);
                if (wrong != null) {
                    problem = wrong + " at position " + count + ": " + abbreviate(parser.getText());
                }
            }
            // Unusable data is still counted to its end, so that the parser leaves it whole.
            parser.skipChildren();
            count++;
        }
        return new TensorData(values.flip(), count, Optional.ofNullable(problem));
    }

    /**
     * Writes the token's value as {@code type}; what is wrong with it when it is not one (nothing written then), null
     * when it is.
     */
    private static String put(ByteBuffer values, TensorType type, JsonToken token, JsonParser parser)
            throws IOException {
        boolean number = token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
        switch (type) {
            case FP32 -> {
                if (!number) {
                    return "a non-numeric value";
                }
                float value = parser.getFloatValue();
                if (!Float.isFinite(value)) {
                    // 1e39 and beyond overflow FP32 to infinity: the model would answer NaN.
                    return "a value that is not a finite FP32 number";
                }
                values.putFloat(value);
                return null;
            }
            case FP64 -> {
                if (!number) {
                    return "a non-numeric value";
                }
                double value = parser.getDoubleValue();
                if (!Double.isFinite(value)) {
                    return "a value that is not a finite FP64 number";
                }
                values.putDouble(value);
                return null;
            }
            case BOOL -> {
                if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                    return "a value that is not true or false";
                }
                values.put((byte) (token == JsonToken.VALUE_TRUE ? 1 : 0));
                return null;
            }
            default -> {
                if (token != JsonToken.VALUE_NUMBER_INT) {
                    return "a value that is not an integer";
                }
                long value;
                try {
                    value = parser.getLongValue();
                } catch (InputCoercionException e) {
                    return "an integer out of the range of " + type;
                }
                return putInteger(values, type, value) ? null : "an integer out of the range of " + type;
            }
        }
    }

    /** Writes an integer of an integer type; false (nothing written) when it is out of the type's range. */
    static boolean putInteger(ByteBuffer values, TensorType type, long value) {
        boolean fits = switch (type) {
            case INT32 -> value == (int) value;
            case INT16 -> value == (short) value;
            case INT8 -> value == (byte) value;
            case UINT8 -> value >= 0 && value <= 255;
            default -> true;
        };
        if (fits) {
            switch (type) {
                case INT64 -> values.putLong(value);
                case INT32 -> values.putInt((int) value);
                case INT16 -> values.putShort((short) value);
                case INT8, UINT8 -> values.put((byte) value);
                default -> throw new IllegalArgumentException(type + " is not an integer type");
            }
        }
        return fits;
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
