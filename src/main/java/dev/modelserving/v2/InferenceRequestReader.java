package dev.modelserving.v2;

import dev.modelserving.model.TensorSpec;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.Problem;
import java.util.List;

/**
 * Checks a V2 inference request against the model's signature and flattens its data into the model's input rows. Every
 * rejection is a 400 whose detail names the input at fault.
 */
final class InferenceRequestReader {

    /** The rows to run and how many there are. */
    record Batch(float[] rows, int size) {
    }

    private InferenceRequestReader() {
    }

    static Batch read(V2Protocol.InferenceRequest request, TensorSpec input, TensorSpec output, int maxBatch) {
        if (request.inputs() == null || request.inputs().isEmpty()) {
            throw invalid("inputs", "The request has no inputs; the model takes one input '" + input.name() + "'");
        }
        if (request.inputs().size() > 1) {
            throw invalid("inputs", "The request has " + request.inputs().size() + " inputs; the model takes one, '"
                    + input.name() + "'");
        }
        if (request.outputs() != null) {
            for (V2Protocol.RequestedOutput wanted : request.outputs()) {
                if (wanted == null || !output.name().equals(wanted.name())) {
                    throw invalid("outputs", "Unknown output '" + (wanted == null ? null : wanted.name())
                            + "'; the model's output is '" + output.name() + "'");
                }
            }
        }
        V2Protocol.InputTensor tensor = request.inputs().get(0);
        if (tensor == null) {
            throw invalid("inputs/0", "Input 0 is null; it must be an object with name, shape, datatype and data");
        }
        String name = tensor.name();
        if (!input.name().equals(name)) {
            throw invalid("inputs/0/name", "Unknown input '" + name + "'; the model's input is '" + input.name() + "'");
        }
        if (!"FP32".equals(tensor.datatype())) {
            throw invalid("inputs/0/datatype", "Input '" + name + "' has datatype " + tensor.datatype()
                    + "; the model takes FP32");
        }
        List<Long> row = input.shape().subList(1, input.shape().size());
        List<Long> shape = tensor.shape();
        if (shape == null || shape.size() != input.shape().size() || shape.get(0) == null || shape.get(0) < 1
                || !row.equals(shape.subList(1, shape.size()))) {
            throw invalid("inputs/0/shape", "Input '" + name + "' has shape " + shape + "; the model takes [N, "
                    + row.toString().substring(1) + " with N >= 1");
        }
        long features = row.stream().reduce(1L, (a, b) -> a * b);
        long batch = shape.get(0);
        if (batch > maxBatch) {
            throw invalid("inputs/0/shape", "Input '" + name + "' has a batch of " + batch + "; at most " + maxBatch
                    + " rows are accepted per request (app.model.max-batch)");
        }
        int expected = (int) (batch * features);
        TensorData data = tensor.data();
        if (data == null) {
            throw invalid("inputs/0/data", "Input '" + name + "' has no data array");
        }
        if (data.problem().isPresent()) {
            throw invalid("inputs/0/data", "Input '" + name + "' has " + data.problem().get());
        }
        if (data.values().length != expected) {
            throw invalid("inputs/0/data", "Input '" + name + "' has " + data.values().length + " values; shape "
                    + shape + " needs " + expected);
        }
        return new Batch(data.values(), (int) batch);
    }

    private static InvalidRequestException invalid(String pointer, String detail) {
        return new InvalidRequestException(detail, List.of(Problem.FieldError.atPointer("/" + pointer, detail)));
    }
}
