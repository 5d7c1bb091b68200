package dev.modelserving.v2;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The protocol's {@code BYTES} tensors: elements of any length (here, picture files in, classification strings out).
 * Raw and binary data lay each element out as Triton does: a 4-byte little-endian length, then that many bytes. In JSON
 * an element is a string: base64 of its bytes for an input (a picture file is not text), the text itself for an output.
 * A {@link TensorData} of BYTES holds the raw layout.
 */
final class BytesElements {

    static final String DATATYPE = "BYTES";

    private BytesElements() {
    }

    static TensorData of(List<byte[]> elements) {
        return new TensorData(raw(elements), elements.size(), Optional.empty());
    }

    /** The elements in the raw layout. */
    static ByteBuffer raw(List<byte[]> elements) {
        int length = 0;
        for (byte[] element : elements) {
            length += Integer.BYTES + element.length;
        }
        ByteBuffer raw = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] element : elements) {
            raw.putInt(element.length).put(element);
        }
        return raw.flip();
    }

    /** Strings in the raw layout, UTF-8. */
    static ByteBuffer rawStrings(List<String> strings) {
        return raw(strings.stream().map(text -> text.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** Raw data as elements, checked: every length must fit what is left. */
    static TensorData fromRaw(ByteBuffer raw) {
        ByteBuffer in = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int count = 0;
        while (in.hasRemaining()) {
            if (in.remaining() < Integer.BYTES) {
                return problem("BYTES data that ends inside the 4-byte length of element " + count);
            }
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                return problem("BYTES element " + count + " of " + Integer.toUnsignedString(length) + " bytes, but "
                        + in.remaining() + " are left");
            }
            in.position(in.position() + length);
            count++;
        }
        return new TensorData(raw.duplicate().order(ByteOrder.LITTLE_ENDIAN), count, Optional.empty());
    }

    /** The elements of valid BYTES data. */
    static List<byte[]> elements(TensorData data) {
        ByteBuffer in = data.values().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> elements = new ArrayList<>(data.count());
        while (in.hasRemaining()) {
            byte[] element = new byte[in.getInt()];
            in.get(element);
            elements.add(element);
        }
        return elements;
    }

    /** A JSON array (nested to any depth) of base64 strings at the parser's current token. */
    static TensorData readBase64(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return problem("data that is not an array");
        }
        List<byte[]> elements = new ArrayList<>();
        String problem = null;
        int depth = 1;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                break;
            }
            if (token == JsonToken.START_ARRAY || token == JsonToken.END_ARRAY) {
                depth += token == JsonToken.START_ARRAY ? 1 : -1;
                continue;
            }
            if (problem == null) {
                if (token != JsonToken.VALUE_STRING) {
                    problem = "a BYTES element that is not a string at position " + elements.size();
                } else {
                    try {
                        elements.add(Base64.getMimeDecoder().decode(parser.getText()));
                    } catch (IllegalArgumentException e) {
                        problem = "a BYTES element that is not base64 at position " + elements.size();
                    }
                }
            }
            parser.skipChildren();
        }
        return problem == null ? of(elements) : problem(problem);
    }

    private static TensorData problem(String problem) {
        return new TensorData(ByteBuffer.allocate(0), 0, Optional.of(problem));
    }
}
