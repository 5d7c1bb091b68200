package dev.modelserving.inference;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The classification of one picture: the most likely label, and the three most likely with probabilities. */
@RegisterForReflection
@Schema(name = "Prediction")
public record Prediction(
        @Schema(example = "Sneaker") String label,
        @Schema(example = "0.93") float confidence,
        List<LabelProbability> top,
        ModelRef model) {

    @RegisterForReflection
    @Schema(name = "LabelProbability")
    public record LabelProbability(@Schema(example = "Sneaker") String label,
            @Schema(example = "0.93") float probability) {
    }

    @RegisterForReflection
    @Schema(name = "ModelRef")
    public record ModelRef(@Schema(example = "fashion-mnist") String name, @Schema(example = "1") String version) {
    }

    /** How many of the most likely labels an answer lists. */
    static final int TOP_K = 3;

    /** The prediction read off one row of class probabilities: the most likely label and the {@value #TOP_K} best. */
    public static Prediction from(float[] probabilities, List<String> labels, ModelRef model) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        List<LabelProbability> top = new ArrayList<>(TOP_K);
        for (int i = 0; i < Math.min(TOP_K, order.length); i++) {
            top.add(new LabelProbability(labels.get(order[i]), probabilities[order[i]]));
        }
        return new Prediction(top.get(0).label(), top.get(0).probability(), List.copyOf(top), model);
    }
}
