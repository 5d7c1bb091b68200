package dev.modelserving.v2;

import dev.modelserving.model.TensorType;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Open Inference Protocol's binary tensor data extension, as Triton serves it: a request body is a JSON header of
 * {@code Inference-Header-Content-Length} bytes followed by the raw elements (little-endian) of every input whose
 * {@code binary_data_size} parameter says how many bytes it takes, in input order; outputs asked for with
 * {@code binary_data_output} (request) or {@code binary_data} (output) are answered the same way.
 */
final class BinaryTensors {

    static final String HEADER = "Inference-Header-Content-Length";
    static final String SIZE = "binary_data_size";

    private BinaryTensors() {
    }

    /** The JSON header's length, checked against the body. */
    static int headerLength(String value, int bodyLength) {
        long length;
        try {
            length = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid("", "The " + HEADER + " header is '" + abbreviate(value) + "', not a byte count");
        }
        if (length < 0 || length > bodyLength) {
            throw invalid("", "The " + HEADER + " header says the JSON is " + length + " bytes, but the body has "
                    + bodyLength);
        }
        return (int) length;
    }

    /**
     * The request with the binary data after its JSON given to the inputs that name a {@code binary_data_size}, in
     * order; the sizes must add up to exactly the bytes there are.
     */
    static V2Protocol.InferenceRequest attach(V2Protocol.InferenceRequest request, ByteBuffer binary) {
        if (request.inputs() == null) {
            return request;
        }
        List<V2Protocol.InputTensor> inputs = new ArrayList<>(request.inputs().size());
        int at = 0;
        for (int i = 0; i < request.inputs().size(); i++) {
            V2Protocol.InputTensor input = request.inputs().get(i);
            Optional<Long> size = input == null ? Optional.empty() : size(input.parameters(), "inputs/" + i);
            if (size.isEmpty()) {
                inputs.add(input);
                continue;
            }
            if (input.data() != null) {
                throw invalid("inputs/" + i + "/data", "Input '" + input.name() + "' has both data and "
                        + SIZE + "; binary data comes after the JSON only");
            }
            if (size.get() > binary.limit() - at) {
                throw invalid("inputs/" + i + "/parameters/" + SIZE, "Input '" + input.name() + "' has "
                        + SIZE + " " + size.get() + ", but only " + (binary.limit() - at)
                        + " bytes of binary data are left for it");
            }
            int bytes = size.get().intValue();
            ByteBuffer values = binary.slice(at, bytes).order(ByteOrder.nativeOrder());
            at += bytes;
            inputs.add(new V2Protocol.InputTensor(input.name(), input.shape(), input.datatype(),
                    data(values, input.datatype()), input.parameters()));
        }
        if (at != binary.limit()) {
            throw invalid("inputs", "The body has " + binary.limit() + " bytes of binary data after the JSON, but "
                    + "the inputs' " + SIZE + " add up to " + at);
        }
        return new V2Protocol.InferenceRequest(request.id(), inputs, request.outputs(), request.parameters());
    }

    /** Raw elements as the tensor data the request reader checks: whole elements of the datatype, or a problem. */
    static TensorData data(ByteBuffer values, String datatype) {
        if (BytesElements.DATATYPE.equals(datatype)) {
            return BytesElements.fromRaw(values);
        }
        Optional<TensorType> type = TensorType.named(datatype);
        if (type.isEmpty()) {
            // The reader refuses the datatype before it looks at the data.
            return new TensorData(values, 0, Optional.of("no datatype to read it as"));
        }
        int bytes = type.get().bytes();
        if (values.limit() % bytes != 0) {
            return new TensorData(values, 0, Optional.of("binary data of " + values.limit()
                    + " bytes, not a whole number of " + datatype + " elements (" + bytes + " bytes each)"));
        }
        return new TensorData(values, values.limit() / bytes, Optional.empty());
    }

    private static Optional<Long> size(Map<String, Object> parameters, String at) {
        Object size = parameters == null ? null : parameters.get(SIZE);
        if (size == null) {
            return Optional.empty();
        }
        if (!(size instanceof Integer || size instanceof Long) || ((Number) size).longValue() < 0) {
            throw invalid(at + "/parameters/" + SIZE, "The " + SIZE + " of " + at + " is " + size
                    + ", not a byte count");
        }
        return Optional.of(((Number) size).longValue());
    }

    /** Whether the output is to be answered as binary data. */
    static boolean wanted(V2Protocol.InferenceRequest request, String output) {
        if (isTrue(request.parameters(), "binary_data_output")) {
            return true;
        }
        if (request.outputs() == null) {
            return false;
        }
        return request.outputs().stream().anyMatch(wanted -> wanted != null && output.equals(wanted.name())
                && isTrue(wanted.parameters(), "binary_data"));
    }

    private static boolean isTrue(Map<String, Object> parameters, String key) {
        return parameters != null && Boolean.TRUE.equals(parameters.get(key));
    }

    /** The JSON header followed by the binary outputs' elements (each from position 0 to its limit), in order. */
    static byte[] body(byte[] json, List<ByteBuffer> binary) {
        int length = json.length;
        for (ByteBuffer output : binary) {
            length += output.limit();
        }
        ByteBuffer body = ByteBuffer.allocate(length).put(json);
        binary.forEach(output -> body.put(output.duplicate().position(0)));
        return body.array();
    }

    private static InvalidRequestException invalid(String pointer, String detail) {
        return new InvalidRequestException(detail, List.of(Problem.FieldError.atPointer(
                pointer.isEmpty() ? "" : "/" + pointer, detail)));
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
