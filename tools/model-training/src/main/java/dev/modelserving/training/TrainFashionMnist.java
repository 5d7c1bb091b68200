package dev.modelserving.training;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a Fashion-MNIST classifier, exports it to ONNX, and measures the exported file with ONNX Runtime so that
 * the accuracy written to the model card is the accuracy of exactly what the service loads.
 *
 * <p>Usage, from this folder: {@code ../../mvnw -q compile exec:java -Dexec.args="[--data DIR] [--out DIR]
 * [--model fm|linear] [--epochs N] [--factors N] [--seed N]"}. The defaults train the bundled model and write it
 * into the service's resources.
 */
public final class TrainFashionMnist {

    /** Class names in the order of the dataset's label indices 0..9. */
    static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    static final int SIDE = 28;
    static final int PIXELS = SIDE * SIDE;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = Options.parse(args);
        Path data = Path.of(opts.getOrDefault("data", "/usr/share/datasets/fashion-mnist"));
        Path out = Path.of(opts.getOrDefault("out", "../../src/main/resources/models/fashion-mnist"));
        String kind = opts.getOrDefault("model", "fm");
        int epochs = Integer.parseInt(opts.getOrDefault("epochs", "8"));
        int factors = Integer.parseInt(opts.getOrDefault("factors", "32"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "12345"));

        float[][] trainX = IdxFile.readImages(data.resolve("train-images-idx3-ubyte.gz"));
        int[] trainY = IdxFile.readLabels(data.resolve("train-labels-idx1-ubyte.gz"));
        float[][] testX = IdxFile.readImages(data.resolve("t10k-images-idx3-ubyte.gz"));
        int[] testY = IdxFile.readLabels(data.resolve("t10k-labels-idx1-ubyte.gz"));

        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> train = toDataset("fashion-mnist-train", trainX, trainY, factory);
        MutableDataset<Label> test = toDataset("fashion-mnist-test", testX, testY, factory);

        Trainer<Label> trainer = switch (kind) {
            case "fm" -> new FMClassificationTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), epochs,
                    10_000, 1, seed, factors, 0.1);
            case "linear" -> new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(1.0, 0.1), epochs, 10_000, 1, seed);
            default -> throw new IllegalArgumentException("unknown --model " + kind + " (fm or linear)");
        };
        long started = System.nanoTime();
        Model<Label> model = trainer.train(train);
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        double tribuoAccuracy = new LabelEvaluator().evaluate(model, test).accuracy();
        System.out.printf(Locale.ROOT, "trained %s in %.1f s, Tribuo test accuracy %.4f%n", kind, trainSeconds,
                tribuoAccuracy);

        List<String> outputOrder = outputOrder(model);
        checkFeatureOrder(model);

        // The repository layout the service reads: <model>/config.json and <model>/1/model.onnx.
        Path version = Files.createDirectories(out.resolve("1"));
        Path onnx = version.resolve("model.onnx");
        ((ONNXExportable) model).saveONNXModel("dev.modelserving", 1, onnx);
        Agreement agreement = null;
        if (kind.equals("fm")) {
            // Tribuo's export is replaced by the compact graph in place, and only if the two agree.
            agreement = Agreement.write(onnx, onnx, testX);
            System.out.println(agreement);
        }

        OnnxCheck check = OnnxCheck.measure(onnx, testX, testY, outputOrder);
        System.out.printf(Locale.ROOT, "ONNX Runtime test accuracy %.4f (%d/%d), input %s, output %s%n",
                check.accuracy(), check.correct(), testY.length, check.inputName(), check.outputName());

        Files.writeString(out.resolve("config.json"), configJson(outputOrder), StandardCharsets.UTF_8);
        String sha256 = sha256(onnx);
        String command = "../../mvnw -q compile exec:java"
                + (args.length == 0 ? "" : " -Dexec.args=\"" + String.join(" ", args) + "\"");
        Files.writeString(version.resolve("model.sha256"), sha256 + "  model.onnx\n", StandardCharsets.US_ASCII);
        Files.writeString(out.resolve("MODEL_CARD.md"),
                ModelCard.render(kind, epochs, factors, seed, trainSeconds, check, testY.length, outputOrder,
                        sha256, command, agreement),
                StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath().normalize());
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** The {@code labels} of a model's config.json, in output order. */
    static List<String> labels(Path config) throws IOException {
        String json = Files.readString(config);
        String list = json.substring(json.indexOf('[', json.indexOf("\"labels\"")) + 1,
                json.indexOf(']', json.indexOf("\"labels\"")));
        return Arrays.stream(list.replace("\n", "").trim().split("\",\\s*\""))
                .map(s -> s.replace("\"", "").trim()).toList();
    }

    static String featureName(int pixel) {
        return String.format(Locale.ROOT, "p%03d", pixel);
    }

    private static MutableDataset<Label> toDataset(String name, float[][] images, int[] labels, LabelFactory factory) {
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance(name, factory), factory);
        String[] names = new String[PIXELS];
        for (int p = 0; p < PIXELS; p++) {
            names[p] = featureName(p);
        }
        for (int i = 0; i < images.length; i++) {
            double[] values = new double[PIXELS];
            for (int p = 0; p < PIXELS; p++) {
                values[p] = images[i][p];
            }
            dataset.add(new ArrayExample<>(new Label(CLASS_NAMES.get(labels[i])), names, values));
        }
        return dataset;
    }

    /** The exported model's output column i is the label with output id i. */
    private static List<String> outputOrder(Model<Label> model) {
        List<String> order = new ArrayList<>();
        for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
            order.add(model.getOutputIDInfo().getOutput(id).getLabel());
        }
        return order;
    }

    /** The service feeds pixels in row-major order, so input column i must be pixel i. */
    private static void checkFeatureOrder(Model<Label> model) {
        if (model.getFeatureIDMap().size() != PIXELS) {
            throw new IllegalStateException("model knows " + model.getFeatureIDMap().size() + " features, not " + PIXELS);
        }
        for (int p = 0; p < PIXELS; p++) {
            int id = model.getFeatureIDMap().getID(featureName(p));
            if (id != p) {
                throw new IllegalStateException("feature " + featureName(p) + " has input column " + id);
            }
        }
    }

    /**
     * The model's config.json: its labels in output order, and pictures made like the training data (28 x 28
     * grayscale, fitted by the longer side, light object on dark, flipped when the border is light).
     */
    private static String configJson(List<String> order) {
        StringBuilder json = new StringBuilder("{\n  \"labels\": [");
        for (int i = 0; i < order.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(order.get(i).replace("\"", "\\\"")).append('"');
        }
        return json.append("""
                ],
                  "image": {
                    "width": 28,
                    "height": 28,
                    "channels": 1,
                    "resize": "fit",
                    "invert": "auto"
                  },
                  "output": {"softmax": false},
                  "versionPolicy": {"latest": 1}
                }
                """).toString();
    }

    /**
     * How closely the compact graph ({@link CompactFmGraph}) follows Tribuo's export on the test images: the largest
     * difference of any class probability, and the images whose top class differs.
     */
    record Agreement(int nodesBefore, int nodesAfter, double maxDifference, int topClassChanges, int images) {

        /**
         * The largest probability difference tolerated. The pairwise term is a difference of two large sums, so the
         * order of float additions shows (8e-6 for the bundled model); a rewrite that changed the function would not
         * stay within it.
         */
        static final double TOLERANCE = 1e-4;

        /**
         * Rewrites {@code export} into {@code compact} (which may be the same file). The rewrite is checked beside its
         * destination and moved there only when the two agree within the tolerance; refused, nothing is replaced.
         */
        static Agreement write(Path export, Path compact, float[][] images) throws Exception {
            Path candidate = compact.resolveSibling(compact.getFileName() + ".candidate");
            try {
                Files.write(candidate, CompactFmGraph.rewrite(Files.readAllBytes(export)));
                Agreement agreement = measure(export, candidate, images);
                if (!(agreement.maxDifference() <= TOLERANCE)) {
                    throw new IllegalStateException("the compact graph disagrees with Tribuo's export: " + agreement);
                }
                Files.move(candidate, compact, StandardCopyOption.REPLACE_EXISTING);
                return agreement;
            } finally {
                Files.deleteIfExists(candidate);
            }
        }

        static Agreement measure(Path export, Path compact, float[][] images) throws Exception {
            float[][] before = OnnxCheck.scores(export, images);
            float[][] after = OnnxCheck.scores(compact, images);
            double max = 0;
            int changes = 0;
            for (int i = 0; i < images.length; i++) {
                for (int c = 0; c < before[i].length; c++) {
                    max = Math.max(max, Math.abs(before[i][c] - after[i][c]));
                }
                changes += OnnxCheck.argmax(before[i]) == OnnxCheck.argmax(after[i]) ? 0 : 1;
            }
            return new Agreement(nodes(export), nodes(compact), max, changes, images.length);
        }

        private static int nodes(Path onnx) throws Exception {
            return ModelProto.parseFrom(Files.readAllBytes(onnx)).getGraph().getNodeCount();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "graph of %d nodes rewritten into %d; on %d test images the largest "
                    + "probability difference is %.2e and %d top classes differ", nodesBefore, nodesAfter, images,
                    maxDifference, topClassChanges);
        }
    }

    /** Evaluation of the exported file with ONNX Runtime. */
    record OnnxCheck(String inputName, String outputName, int correct, double accuracy) {

        static OnnxCheck measure(Path onnx, float[][] images, int[] labels, List<String> outputOrder) throws Exception {
            float[][] scores = scores(onnx, images);
            int correct = 0;
            for (int i = 0; i < images.length; i++) {
                if (outputOrder.get(argmax(scores[i])).equals(CLASS_NAMES.get(labels[i]))) {
                    correct++;
                }
            }
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx.toString(),
                    new OrtSession.SessionOptions())) {
                return new OnnxCheck(session.getInputNames().iterator().next(),
                        session.getOutputNames().iterator().next(), correct, (double) correct / images.length);
            }
        }

        /** The model's output row for every image, run in batches of 500. */
        static float[][] scores(Path onnx, float[][] images) throws Exception {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            float[][] scores = new float[images.length][];
            try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
                String input = session.getInputNames().iterator().next();
                int batch = 500;
                for (int start = 0; start < images.length; start += batch) {
                    int n = Math.min(batch, images.length - start);
                    FloatBuffer buffer = FloatBuffer.allocate(n * PIXELS);
                    for (int i = 0; i < n; i++) {
                        buffer.put(images[start + i]);
                    }
                    buffer.rewind();
                    try (OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, new long[] {n, PIXELS});
                            OrtSession.Result result = session.run(Map.of(input, tensor))) {
                        float[][] rows = (float[][]) result.get(0).getValue();
                        System.arraycopy(rows, 0, scores, start, n);
                    }
                }
            }
            return scores;
        }

        static int argmax(float[] values) {
            int best = 0;
            for (int i = 1; i < values.length; i++) {
                if (values[i] > values[best]) {
                    best = i;
                }
            }
            return best;
        }
    }

    /** {@code --key value} pairs. */
    static final class Options {
        private Options() {
        }

        static Map<String, String> parse(String[] args) throws IOException {
            Map<String, String> opts = new java.util.HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IOException("expected --key value pairs, got: " + args[i]);
                }
                opts.put(args[i].substring(2), args[++i]);
            }
            return opts;
        }
    }
}
