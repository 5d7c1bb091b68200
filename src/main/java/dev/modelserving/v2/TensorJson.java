package dev.modelserving.v2;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.modelserving.model.Tensor;
import dev.modelserving.model.TensorType;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How tensors are read from and written to the protocol's JSON: an input's data is parsed as its datatype says (so that
 * an INT64 keeps all its digits and a BOOL is true or false), an output's elements are written as their type.
 */
final class TensorJson {

    private TensorJson() {
    }

    /**
     * Reads an input tensor. The data is parsed once its datatype is known: clients send the datatype first, and data
     * that comes before it is buffered as tokens and parsed at the end.
     */
    @RegisterForReflection
    public static final class InputDeserializer extends StdDeserializer<V2Protocol.InputTensor> {

        public InputDeserializer() {
            super(V2Protocol.InputTensor.class);
        }

        @Override
        public V2Protocol.InputTensor deserialize(JsonParser parser, DeserializationContext context)
                throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.START_OBJECT) {
                token = parser.nextToken();
            } else if (token != JsonToken.FIELD_NAME && token != JsonToken.END_OBJECT) {
                return (V2Protocol.InputTensor) context.handleUnexpectedToken(V2Protocol.InputTensor.class, parser);
            }
            String name = null;
            List<Long> shape = null;
            String datatype = null;
            Map<String, Object> parameters = null;
            TensorData data = null;
            TokenBuffer early = null;
            JavaType shapeType = context.getTypeFactory().constructCollectionType(List.class, Long.class);
            JavaType parametersType = context.getTypeFactory().constructMapType(Map.class, String.class,
                    Object.class);
            for (; token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                try {
                    switch (field) {
                        case "name" -> name = value == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                        case "shape" -> shape = context.readValue(parser, shapeType);
                        case "datatype" -> datatype = value == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                        case "parameters" -> parameters = context.readValue(parser, parametersType);
                        case "data" -> {
                            Optional<TensorType> type = TensorType.named(datatype);
                            if (BytesElements.DATATYPE.equals(datatype)) {
                                data = BytesElements.readBase64(parser);
                            } else if (type.isPresent()) {
                                data = TensorData.read(parser, type.get());
                            } else {
                                early = context.bufferAsCopyOfValue(parser);
                            }
                        }
                        default -> context.handleUnknownProperty(parser, this, V2Protocol.InputTensor.class, field);
                    }
                } catch (JsonMappingException e) {
                    // So that the problem names where: /inputs/0/shape.
                    throw JsonMappingException.wrapWithPath(e, V2Protocol.InputTensor.class, field);
                }
            }
            if (early != null) {
                Optional<TensorType> type = TensorType.named(datatype);
                if (BytesElements.DATATYPE.equals(datatype)) {
                    try (JsonParser buffered = early.asParser(parser.getCodec())) {
                        buffered.nextToken();
                        data = BytesElements.readBase64(buffered);
                    }
                } else if (type.isPresent()) {
                    try (JsonParser buffered = early.asParser(parser.getCodec())) {
                        buffered.nextToken();
                        data = TensorData.read(buffered, type.get());
                    }
                } else {
                    // The reader refuses the datatype before it looks at the data.
                    data = new TensorData(ByteBuffer.allocate(0), 0, Optional.of("no datatype to read it as"));
                }
            }
            return new V2Protocol.InputTensor(name, shape, datatype, data, parameters);
        }
    }

    /**
     * Writes an output's elements as a flat JSON array: a tensor's as its type's values, a BYTES output's (a list of
     * strings: classifications) as strings.
     */
    @RegisterForReflection
    public static final class DataSerializer extends StdSerializer<Object> {

        public DataSerializer() {
            super(Object.class);
        }

        @Override
        public void serialize(Object data, JsonGenerator json, SerializerProvider provider) throws IOException {
            if (data instanceof List<?> strings) {
                json.writeStartArray(strings, strings.size());
                for (Object text : strings) {
                    json.writeString((String) text);
                }
                json.writeEndArray();
                return;
            }
            Tensor tensor = (Tensor) data;
            ByteBuffer bytes = tensor.bytes();
            int count = tensor.elements();
            json.writeStartArray(tensor, count);
            for (int i = 0; i < count; i++) {
                switch (tensor.type()) {
                    case FP32 -> json.writeNumber(bytes.getFloat());
                    case FP64 -> json.writeNumber(bytes.getDouble());
                    case INT64 -> json.writeNumber(bytes.getLong());
                    case INT32 -> json.writeNumber(bytes.getInt());
                    case INT16 -> json.writeNumber(bytes.getShort());
                    case INT8 -> json.writeNumber(bytes.get());
                    case UINT8 -> json.writeNumber(Byte.toUnsignedInt(bytes.get()));
                    case BOOL -> json.writeBoolean(bytes.get() != 0);
                    default -> throw new IllegalStateException("no JSON for " + tensor.type());
                }
            }
            json.writeEndArray();
        }
    }
}
