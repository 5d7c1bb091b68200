package dev.modelserving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.support.OnnxModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Models of other shapes than the bundled one, written with known weights: what they answer is known by hand. */
class ClassifierShapesTest {

    @Test
    void aChannelsFirstColourModelRunsOnRowsOfItsPictures() throws Exception {
        try (ModelSession session = ModelSession.open(OnnxModels.channelMeans(true, 2, 2), 1)) {
            Classifier model = Classifier.of(session);
            assertThat(model.inputDims()).containsExactly(3L, 2L, 2L);
            assertThat(model.features()).isEqualTo(12);
            assertThat(model.classes()).isEqualTo(3);
            // Two pictures: solid red, then a blue one at half strength. NCHW: all red values, then green, then blue.
            float[] rows = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, .5f, .5f, .5f, .5f};
            float[][] scores = model.run(rows, 2);
            assertThat(scores[0]).containsExactly(1, 0, 0);
            assertThat(scores[1]).containsExactly(0, 0, .5f);
        }
    }

    @Test
    void aChannelsLastColourModelReadsInterleavedValues() throws Exception {
        try (ModelSession session = ModelSession.open(OnnxModels.channelMeans(false, 2, 2), 1)) {
            Classifier model = Classifier.of(session);
            assertThat(model.inputDims()).containsExactly(2L, 2L, 3L);
            float[] greenish = {0, 1, 0, 0, 1, 0, 0, 1, 0, .2f, .6f, .2f};
            assertThat(model.run(greenish, 1)[0]).containsExactly(new float[]{.05f, .9f, .05f}, within(1e-6f));
        }
    }

    @Test
    void aLinearModelAnswersXTimesWPlusB() throws Exception {
        byte[] onnx = OnnxModels.linear(new float[][]{{1, 0, 2}, {0, 1, -1}}, new float[]{0.5f, 0, 0});
        try (ModelSession session = ModelSession.open(onnx, 1)) {
            Classifier model = Classifier.of(session);
            float[][] y = model.run(List.of(new float[]{1, 2}, new float[]{-1, 0}));
            assertThat(y[0]).containsExactly(1.5f, 2, 0);
            assertThat(y[1]).containsExactly(-0.5f, 0, -2);
        }
    }

    @Test
    void aFileThatIsNotAModelIsRefused() {
        assertThatThrownBy(() -> ModelSession.open("not an ONNX file".getBytes(), 1)).isNotNull();
    }

    @Test
    void softmaxTurnsLogitsIntoProbabilities() {
        float[] probabilities = Softmax.of(new float[]{1000, 1000, -1000});
        assertThat(probabilities).containsExactly(new float[]{.5f, .5f, 0}, within(1e-6f));
    }
}
