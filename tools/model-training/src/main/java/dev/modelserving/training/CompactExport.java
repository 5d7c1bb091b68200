package dev.modelserving.training;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rewrites a factorization machine already exported by Tribuo into the compact graph ({@link CompactFmGraph})
 * without training it again: checks the two agree on the test set, as training does, then replaces
 * {@code <model>/1/model.onnx} and its {@code model.sha256}. Prints what MODEL_CARD.md's rows become.
 *
 * <p>Usage, from this folder: {@code ../../mvnw -q compile exec:java
 * -Dexec.mainClass=dev.modelserving.training.CompactExport -Dexec.args="[--data DIR] [--model DIR]"}
 */
public final class CompactExport {

    private CompactExport() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = TrainFashionMnist.Options.parse(args);
        Path data = Path.of(opts.getOrDefault("data", "/usr/share/datasets/fashion-mnist"));
        Path model = Path.of(opts.getOrDefault("model", "../../src/main/resources/models/fashion-mnist"));
        Path onnx = model.resolve("1").resolve("model.onnx");
        float[][] testX = IdxFile.readImages(data.resolve("t10k-images-idx3-ubyte.gz"));
        int[] testY = IdxFile.readLabels(data.resolve("t10k-labels-idx1-ubyte.gz"));
        List<String> outputOrder = TrainFashionMnist.labels(model.resolve("config.json"));

        String exportSha = TrainFashionMnist.sha256(onnx);
        TrainFashionMnist.Agreement agreement = TrainFashionMnist.Agreement.write(onnx, onnx, testX);
        String sha = TrainFashionMnist.sha256(onnx);
        Files.writeString(model.resolve("1").resolve("model.sha256"), sha + "  model.onnx\n",
                StandardCharsets.US_ASCII);
        System.out.println(agreement);
        TrainFashionMnist.OnnxCheck check = TrainFashionMnist.OnnxCheck.measure(onnx, testX, testY, outputOrder);
        System.out.printf(Locale.ROOT, "ONNX Runtime test accuracy %.4f (%d/%d)%n", check.accuracy(),
                check.correct(), testY.length);
        System.out.println("Tribuo's export sha256 " + exportSha + ", model.onnx sha256 now " + sha);
    }
}
