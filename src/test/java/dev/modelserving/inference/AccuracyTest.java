package dev.modelserving.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.Classifier;
import dev.modelserving.model.ServedModels;
import dev.modelserving.model.Tensor;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The served model scores on the 10,000 Fashion-MNIST test pictures what its model card says. Runs where the dataset is
 * installed (CI installs it: apt-get install dataset-fashion-mnist).
 */
@QuarkusTest
@EnabledIf("datasetInstalled")
class AccuracyTest {

    static final Path DATASET = Path.of("/usr/share/datasets/fashion-mnist");
    private static final int PIXELS = 784;
    private static final int BATCH = 250;

    @Inject
    PredictionService predictions;

    @Inject
    ServedModels served;

    static boolean datasetInstalled() {
        return Files.isRegularFile(DATASET.resolve("t10k-images-idx3-ubyte.gz"));
    }

    @Test
    void accuracyOnTheTestSetMatchesTheModelCard() throws IOException {
        float[] images = readImages(DATASET.resolve("t10k-images-idx3-ubyte.gz"));
        int[] labels = readLabels(DATASET.resolve("t10k-labels-idx1-ubyte.gz"));
        List<String> classNames = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        List<String> outputLabels = served.require().labels();
        int correct = 0;
        for (int start = 0; start < labels.length; start += BATCH) {
            int n = Math.min(BATCH, labels.length - start);
            float[] rows = Arrays.copyOfRange(images, start * PIXELS, (start + n) * PIXELS);
            // Through the inference runners, as V2 requests are served.
            float[][] probabilities = predictions.infer(null, null, model -> {
                Classifier classifier = model.requireClassifier();
                Map<String, Tensor> inputs = classifier.inputs(rows, n);
                return new RowBatcher.Work<>(inputs, n, model.session().batchKey(inputs), classifier::scores);
            }, PredictionContext.NONE, Deadline.NONE).await().atMost(Duration.ofSeconds(30));
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < probabilities[i].length; c++) {
                    best = probabilities[i][c] > probabilities[i][best] ? c : best;
                }
                if (outputLabels.get(best).equals(classNames.get(labels[start + i]))) {
                    correct++;
                }
            }
        }
        double accuracy = (double) correct / labels.length;
        assertThat(accuracy).isCloseTo(cardAccuracy(), within(0.001));
    }

    private double cardAccuracy() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("models/fashion-mnist/MODEL_CARD.md")) {
            String card = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher figure = Pattern.compile("\\*\\*Test accuracy\\*\\* \\| \\*\\*([0-9.]+)\\*\\*").matcher(card);
            assertThat(figure.find()).as("the model card states the test accuracy").isTrue();
            return Double.parseDouble(figure.group(1));
        }
    }

    private static float[] readImages(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            in.readInt();
            int count = in.readInt();
            int pixels = in.readInt() * in.readInt();
            byte[] raw = new byte[count * pixels];
            in.readFully(raw);
            float[] values = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                values[i] = (raw[i] & 0xFF) / 255f;
            }
            return values;
        }
    }

    private static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            in.readInt();
            int[] labels = new int[in.readInt()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readUnsignedByte();
            }
            return labels;
        }
    }
}
