package dev.modelserving.v2;

import dev.modelserving.model.Classifier;
import dev.modelserving.model.LoadedModel;
import dev.modelserving.model.Tensor;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.Problem;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classification extension, as Triton serves it: an output asked for with the parameter {@code classification: K}
 * is answered as a BYTES tensor {@code [N, K]} of each row's top K classes, highest first, as
 * {@code "score:index:label"} ({@code "score:index"} for a model without labels). The scores are the model's class
 * probabilities (softmax applied when its config says so), as {@code /predictions} reports them.
 */
final class Classifications {

    static final String PARAMETER = "classification";

    /** A classified output: its rows, the classes per row, and their strings, row after row. */
    record Classified(int rows, int k, List<String> strings) {

        List<Long> shape() {
            return List.of((long) rows, (long) k);
        }
    }

    private Classifications() {
    }

    /**
     * The outputs the request asks to classify, with how many classes each (at most the model's); a 400 for a count
     * that is not a positive whole number, or an output that is not the model's class scores.
     */
    static Map<String, Integer> requested(V2Protocol.InferenceRequest request, LoadedModel model) {
        if (request.outputs() == null) {
            return Map.of();
        }
        Map<String, Integer> requested = new LinkedHashMap<>();
        for (int i = 0; i < request.outputs().size(); i++) {
            V2Protocol.RequestedOutput output = request.outputs().get(i);
            Object count = output == null || output.parameters() == null
                    ? null
                    : output.parameters().get(PARAMETER);
            if (count == null) {
                continue;
            }
            String at = "/outputs/" + i + "/parameters/" + PARAMETER;
            if (!(count instanceof Integer || count instanceof Long) || ((Number) count).longValue() < 1) {
                throw invalid(at, "The classification parameter of output '" + output.name() + "' is " + count
                        + "; it must be how many classes to answer, 1 or more");
            }
            Classifier classifier = model.classifier().orElse(null);
            if (classifier == null || !classifier.outputName().equals(output.name())) {
                throw invalid(at, "Output '" + output.name() + "' cannot be classified: "
                        + (classifier == null
                                ? "model '" + model.metadata().name() + "' has no FP32 output [N, classes]"
                                : "the class scores of model '" + model.metadata().name() + "' are output '"
                                        + classifier.outputName() + "'"));
            }
            requested.put(output.name(), (int) Math.min(((Number) count).longValue(), classifier.classes()));
        }
        return requested;
    }

    /** Each row's top {@code k} classes of the scores {@code [N, classes]}. */
    static Classified top(Tensor scores, int k, LoadedModel model) {
        int rows = scores.rows();
        int classes = scores.elements() / Math.max(1, rows);
        FloatBuffer values = scores.floats();
        List<String> strings = new ArrayList<>(rows * k);
        float[] row = new float[classes];
        for (int r = 0; r < rows; r++) {
            values.get(row);
            float[] probabilities = model.probabilities(row);
            boolean[] taken = new boolean[classes];
            for (int n = 0; n < k; n++) {
                int best = -1;
                for (int c = 0; c < classes; c++) {
                    if (!taken[c] && (best < 0 || probabilities[c] > probabilities[best])) {
                        best = c;
                    }
                }
                taken[best] = true;
                strings.add(probabilities[best] + ":" + best
                        + (model.labels().isEmpty() ? "" : ":" + model.labels().get(best)));
            }
        }
        return new Classified(rows, k, strings);
    }

    private static InvalidRequestException invalid(String pointer, String detail) {
        return new InvalidRequestException(detail, List.of(Problem.FieldError.atPointer(pointer, detail)));
    }
}
