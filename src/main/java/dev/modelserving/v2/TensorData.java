package dev.modelserving.v2;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The {@code data} of a V2 input tensor: its numbers in row-major order, read straight from the JSON stream (flat or
 * nested arrays) into a float array, without building a tree of the thousands of values a batch has.
 *
 * @param values the numbers, in order
 * @param problem why the data is not usable (not an array, a value that is not a number), if it is not
 */
@Schema(name = "TensorData", type = SchemaType.ARRAY, implementation = Object.class,
        description = "Row-major numbers, flat ([0.1, 0.2]) or nested ([[0.1], [0.2]])")
public record TensorData(float[] values, Optional<String> problem) {

    /** Streams a JSON array (nested to any depth) of numbers into a float array. */
    @RegisterForReflection
    public static final class Deserializer extends StdDeserializer<TensorData> {

        public Deserializer() {
            super(TensorData.class);
        }

        @Override
        public TensorData deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                parser.skipChildren();
                return new TensorData(new float[0], Optional.of("data is not an array"));
            }
            float[] values = new float[1024];
            int count = 0;
            int depth = 1;
            String problem = null;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    break;
                }
                switch (token) {
                    case START_ARRAY -> depth++;
                    case END_ARRAY -> depth--;
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        if (count == values.length) {
                            values = Arrays.copyOf(values, values.length * 2);
                        }
                        float value = parser.getFloatValue();
                        if (!Float.isFinite(value) && problem == null) {
                            // 1e39 and beyond overflow FP32 to infinity: the model would answer NaN.
                            problem = "a value that is not a finite FP32 number at position " + count + ": "
                                    + abbreviate(parser.getText());
                        }
                        values[count++] = value;
                    }
                    default -> {
                        if (problem == null) {
                            problem = "a non-numeric value at position " + count + ": "
                                    + abbreviate(parser.getText());
                        }
                        parser.skipChildren();
                    }
                }
            }
            return new TensorData(Arrays.copyOf(values, count), Optional.ofNullable(problem));
        }

        private static String abbreviate(String text) {
            return text == null ? "null" : text.length() > 40 ? text.substring(0, 40) + "..." : text;
        }
    }
}
