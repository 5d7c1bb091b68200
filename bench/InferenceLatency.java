import dev.modelserving.model.Classifier;
import dev.modelserving.model.ModelSession;
import dev.modelserving.inference.ImagePreprocessor;
import dev.modelserving.inference.PredictionsConfig;
import dev.modelserving.model.ImageFormat;
import dev.modelserving.model.ModelRepository;
import java.util.List;
import java.util.Optional;
import io.quarkus.runtime.configuration.MemorySize;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * In-process latency of one prediction as the service does it: decode + preprocess one PNG, run the ONNX session
 * on one row. Single thread, the service's own classes, no HTTP. Run by bench/run.sh:
 *   java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*" bench/InferenceLatency.java PNG [N]
 * Prints one line: p50_us p99_us mean_us images_per_s (single thread).
 */
public class InferenceLatency {

    public static void main(String[] args) throws Exception {
        byte[] png = Files.readAllBytes(Path.of(args[0]));
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        byte[] model;
        try (InputStream in = InferenceLatency.class.getClassLoader()
                .getResourceAsStream("models/fashion-mnist/1/model.onnx")) {
            model = in.readAllBytes();
        }
        PredictionsConfig limits = new PredictionsConfig() {
            public MemorySize maxImageBytes() {
                return new MemorySize(BigInteger.valueOf(1 << 20));
            }

            public long maxImagePixels() {
                return 1L << 24;
            }

            public long maxRequestPixels() {
                return 1L << 26;
            }
        };
        ImagePreprocessor preprocessor = new ImagePreprocessor(limits);
        // The bundled model's picture settings, read from its config.json as the service reads them.
        ImageFormat format = ModelRepository.open(Optional.empty()).settings("fashion-mnist").image().orElseThrow()
                .format(List.of(784L), "config.json");
        try (ModelSession session = ModelSession.open(model, 1)) {
            Classifier classifier = Classifier.of(session);
            for (int i = 0; i < 3_000; i++) {
                classifier.run(preprocessor.toPixels(png, format), 1);
            }
            long[] nanos = new long[n];
            long started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                classifier.run(preprocessor.toPixels(png, format), 1);
                nanos[i] = System.nanoTime() - t;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "%.1f %.1f %.1f %.0f%n", nanos[n / 2] / 1e3, nanos[(int) (n * 0.99)] / 1e3,
                    Arrays.stream(nanos).average().orElse(0) / 1e3, n / seconds);
        }
    }
}
