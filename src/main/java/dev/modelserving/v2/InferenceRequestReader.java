package dev.modelserving.v2;

import dev.modelserving.model.ModelSession;
import dev.modelserving.model.Tensor;
import dev.modelserving.model.TensorSpec;
import dev.modelserving.model.TensorType;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a V2 inference request against the model's signature (every input named once, its datatype, its shape, its
 * element count; the outputs asked for) and makes its tensors. Every rejection is a 400 whose detail names the input or
 * output at fault.
 */
final class InferenceRequestReader {

    /**
     * The request's tensors for the model, the rows they have (1 for a model whose requests each run alone), and the
     * outputs to answer, in order.
     */
    record Read(Map<String, Tensor> inputs, int rows, List<String> outputs) {
    }

    private InferenceRequestReader() {
    }

    static Read read(V2Protocol.InferenceRequest request, ModelSession session, int maxBatch) {
        List<TensorSpec> specs = session.inputs();
        List<String> names = specs.stream().map(TensorSpec::name).toList();
        if (request.inputs() == null || request.inputs().isEmpty()) {
            throw invalid("inputs", "The request has no inputs; the model takes " + names);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long rows = -1;
        for (int i = 0; i < request.inputs().size(); i++) {
            V2Protocol.InputTensor tensor = request.inputs().get(i);
            String at = "inputs/" + i;
            if (tensor == null) {
                throw invalid("inputs/" + i, "Input " + i + " is null; it must be an object with name, shape, "
                        + "datatype and data");
            }
            TensorSpec spec = specs.stream().filter(s -> s.name().equals(tensor.name())).findFirst()
                    .orElseThrow(() -> invalid(at + "/name", "Unknown input '" + tensor.name()
                            + "'; the model's inputs are " + names));
            if (tensors.containsKey(spec.name())) {
                throw invalid("inputs/" + i + "/name", "Input '" + spec.name() + "' is given twice");
            }
            Tensor read = tensor(tensor, spec, "inputs/" + i, session.batchable(), maxBatch);
            if (session.batchable()) {
                if (rows >= 0 && read.rows() != rows) {
                    throw invalid("inputs/" + i + "/shape", "Input '" + spec.name() + "' has " + read.rows()
                            + " rows and input '" + tensors.keySet().iterator().next() + "' " + rows
                            + "; every input of a request has the same number of rows");
                }
                rows = read.rows();
            }
            tensors.put(spec.name(), read);
        }
        for (String name : names) {
            if (!tensors.containsKey(name)) {
                throw invalid("inputs", "Input '" + name + "' is missing; the model takes " + names);
            }
        }
        return new Read(tensors, session.batchable() ? (int) rows : 1, outputs(request, session));
    }

    /** One input's tensor, checked against its spec. */
    private static Tensor tensor(V2Protocol.InputTensor tensor, TensorSpec spec, String at, boolean batchable,
            int maxBatch) {
        String name = spec.name();
        if (!spec.datatype().equals(tensor.datatype())) {
            throw invalid(at + "/datatype", "Input '" + name + "' has datatype " + tensor.datatype()
                    + "; the model takes " + spec.datatype());
        }
        List<Long> shape = tensor.shape();
        if (!fits(shape, spec.shape(), batchable)) {
            throw invalid(at + "/shape", "Input '" + name + "' has shape " + shape + "; the model takes "
                    + expected(spec.shape(), batchable));
        }
        if (batchable && shape.get(0) > maxBatch) {
            throw invalid(at + "/shape", "Input '" + name + "' has a batch of " + shape.get(0) + "; at most "
                    + maxBatch + " rows are accepted per request (app.model.max-batch)");
        }
        long elements = 1;
        for (long dim : shape) {
            // At most 8 bytes an element, and a tensor's bytes must fit one buffer.
            if (dim > 0 && elements > Integer.MAX_VALUE / 8 / dim) {
                throw invalid(at + "/shape", "Input '" + name + "' has shape " + shape + ": too many elements");
            }
            elements *= dim;
        }
        TensorData data = tensor.data();
        if (data == null) {
            throw invalid(at + "/data", "Input '" + name + "' has no data array");
        }
        if (data.problem().isPresent()) {
            throw invalid(at + "/data", "Input '" + name + "' has " + data.problem().get());
        }
        if (data.count() != elements) {
            throw invalid(at + "/data", "Input '" + name + "' has " + data.count() + " values; shape " + shape
                    + " needs " + elements);
        }
        return new Tensor(TensorType.valueOf(spec.datatype()),
                shape.stream().mapToLong(Long::longValue).toArray(), data.values());
    }

    /**
     * Whether a request's shape fits the model's: the same rank, fixed dimensions equal, dynamic ones any size (the
     * batch dimension of a batchable model at least 1).
     */
    private static boolean fits(List<Long> shape, List<Long> model, boolean batchable) {
        if (shape == null || shape.size() != model.size()) {
            return false;
        }
        for (int i = 0; i < shape.size(); i++) {
            Long dim = shape.get(i);
            long wanted = model.get(i);
            if (dim == null || dim < (batchable && i == 0 ? 1 : 0) || (wanted >= 0 && dim != wanted)) {
                return false;
            }
        }
        return true;
    }

    /** The model's shape as a client reads it: {@code [N, 784] with N >= 1}, {@code [2, any]}. */
    private static String expected(List<Long> model, boolean batchable) {
        List<String> dims = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            dims.add(model.get(i) >= 0 ? model.get(i).toString() : batchable && i == 0 ? "N" : "any");
        }
        return "[" + String.join(", ", dims) + "]" + (batchable ? " with N >= 1" : "");
    }

    /** The outputs the request asks for, in its order; every one of the model's, in its order, when it names none. */
    private static List<String> outputs(V2Protocol.InferenceRequest request, ModelSession session) {
        List<String> names = session.outputs().stream().map(TensorSpec::name).toList();
        if (request.outputs() == null || request.outputs().isEmpty()) {
            return names;
        }
        List<String> wanted = new ArrayList<>();
        for (int i = 0; i < request.outputs().size(); i++) {
            V2Protocol.RequestedOutput output = request.outputs().get(i);
            String name = output == null ? null : output.name();
            if (!names.contains(name)) {
                throw invalid("outputs/" + i + "/name", "Unknown output '" + name + "'; the model's outputs are "
                        + names);
            }
            if (!wanted.contains(name)) {
                wanted.add(name);
            }
        }
        return wanted;
    }

    private static InvalidRequestException invalid(String pointer, String detail) {
        return new InvalidRequestException(detail, List.of(Problem.FieldError.atPointer("/" + pointer, detail)));
    }
}
