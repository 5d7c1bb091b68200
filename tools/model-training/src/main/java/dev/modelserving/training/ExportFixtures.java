package dev.modelserving.training;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes the first N Fashion-MNIST test images as 8-bit grayscale PNGs, with a CSV of their true labels and of the
 * bundled model's prediction for each, for the service's tests.
 *
 * <p>Usage, from this folder: {@code ../../mvnw -q compile exec:java
 * -Dexec.mainClass=dev.modelserving.training.ExportFixtures -Dexec.args="[--count N] [--out DIR]"}
 */
public final class ExportFixtures {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = TrainFashionMnist.Options.parse(args);
        Path data = Path.of(opts.getOrDefault("data", "/usr/share/datasets/fashion-mnist"));
        Path model = Path.of(opts.getOrDefault("model", "../../src/main/resources/models/fashion-mnist"));
        Path out = Path.of(opts.getOrDefault("out", "../../src/test/resources/fixtures"));
        int count = Integer.parseInt(opts.getOrDefault("count", "12"));

        float[][] images = IdxFile.readImages(data.resolve("t10k-images-idx3-ubyte.gz"));
        int[] labels = IdxFile.readLabels(data.resolve("t10k-labels-idx1-ubyte.gz"));
        List<String> outputOrder = TrainFashionMnist.labels(model.resolve("config.json"));

        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("file,label,predicted\n");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.resolve("1").resolve("model.onnx").toString(),
                new OrtSession.SessionOptions())) {
            for (int i = 0; i < count; i++) {
                String file = String.format(Locale.ROOT, "test-%05d.png", i);
                ImageIO.write(toPng(images[i]), "png", out.resolve(file).toFile());
                try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(images[i]),
                        new long[] {1, TrainFashionMnist.PIXELS});
                        OrtSession.Result result = session.run(Map.of("input", tensor))) {
                    float[] scores = ((float[][]) result.get(0).getValue())[0];
                    int best = 0;
                    for (int c = 1; c < scores.length; c++) {
                        best = scores[c] > scores[best] ? c : best;
                    }
                    csv.append(file).append(',').append(TrainFashionMnist.CLASS_NAMES.get(labels[i])).append(',')
                            .append(outputOrder.get(best)).append('\n');
                }
            }
        }
        Files.writeString(out.resolve("fixtures.csv"), csv.toString(), StandardCharsets.UTF_8);
        System.out.println("wrote " + count + " fixtures to " + out.toAbsolutePath().normalize());
    }

    private static BufferedImage toPng(float[] pixels) {
        BufferedImage image = new BufferedImage(TrainFashionMnist.SIDE, TrainFashionMnist.SIDE,
                BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < pixels.length; p++) {
            int value = Math.round(pixels[p] * 255f);
            image.getRaster().setSample(p % TrainFashionMnist.SIDE, p / TrainFashionMnist.SIDE, 0, value);
        }
        return image;
    }
}
