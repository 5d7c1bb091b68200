import dev.modelserving.model.Classifier;
import dev.modelserving.model.ModelSession;
import java.io.InputStream;
import java.util.Locale;
import java.util.Random;

/**
 * What one ONNX run of the bundled model costs by batch size, on one thread: the case for running the rows of
 * concurrent requests together. Run from the project root after a build:
 *   java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*" bench/BatchCost.java
 * Prints "batch us_per_run us_per_row" for batches of 1 to 32 rows.
 */
public class BatchCost {

    public static void main(String[] args) throws Exception {
        byte[] model;
        try (InputStream in = BatchCost.class.getClassLoader()
                .getResourceAsStream("models/fashion-mnist/1/model.onnx")) {
            model = in.readAllBytes();
        }
        try (ModelSession session = ModelSession.open(model, 1)) {
            Classifier classifier = Classifier.of(session);
            Random random = new Random(1);
            for (int batch : new int[] {1, 2, 4, 8, 16, 32}) {
                float[] rows = new float[batch * classifier.features()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = random.nextFloat();
                }
                int runs = Math.min(20_000, 200_000 / batch);
                for (int i = 0; i < runs / 2; i++) {
                    classifier.run(rows, batch);
                }
                long started = System.nanoTime();
                for (int i = 0; i < runs; i++) {
                    classifier.run(rows, batch);
                }
                double perRun = (System.nanoTime() - started) / 1e3 / runs;
                System.out.printf(Locale.ROOT, "%d %.1f %.1f%n", batch, perRun, perRun / batch);
            }
        }
    }
}
