package dev.modelserving.training;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** Renders MODEL_CARD.md from the facts of one training run. */
final class ModelCard {

    private ModelCard() {
    }

    static String render(String kind, int epochs, int factors, long seed, double trainSeconds,
            TrainFashionMnist.OnnxCheck check, int testCount, List<String> labels, String sha256, String command,
            TrainFashionMnist.Agreement agreement) {
        String algorithm = kind.equals("fm")
                ? "factorization machine (Tribuo `FMClassificationTrainer`, log-multiclass loss, AdaGrad, "
                        + factors + " factors, " + epochs + " epochs, seed " + seed + ")"
                : "linear model (Tribuo `LinearSGDTrainer`, log-multiclass loss, AdaGrad, " + epochs
                        + " epochs, seed " + seed + ")";
        String graph = agreement == null ? "as exported by Tribuo"
                : String.format(Locale.ROOT, "Tribuo's export (%d nodes) rewritten into %d nodes by `CompactFmGraph`; "
                        + "largest probability difference on the test set %.1e, %d top classes changed",
                        agreement.nodesBefore(), agreement.nodesAfter(), agreement.maxDifference(),
                        agreement.topClassChanges());
        StringBuilder labelRows = new StringBuilder();
        for (int i = 0; i < labels.size(); i++) {
            labelRows.append("| ").append(i).append(" | ").append(labels.get(i)).append(" |\n");
        }
        return String.format(Locale.ROOT, """
                # Model card: fashion-mnist

                An image classifier for 28x28 grayscale pictures of clothing, trained by `tools/model-training`
                and bundled with model-serving as its default model.

                | | |
                |---|---|
                | Algorithm | %s |
                | Training data | Fashion-MNIST training set, 60,000 images (Debian package `dataset-fashion-mnist`) |
                | Test data | Fashion-MNIST test set, %,d images |
                | **Test accuracy** | **%.4f** (%d of %d correct, measured with ONNX Runtime on the exported `model.onnx`) |
                | Training time | %.0f s on the machine it was trained on |
                | Exported | %s, ONNX via Tribuo 4.3.2 |
                | Graph | %s |
                | model.onnx sha256 | `%s` |

                ## Training command
                From `tools/model-training/`, with the dataset installed (`apt-get install dataset-fashion-mnist`):

                    %s

                ## Signature
                - Input `%s`: `FP32`, shape `[-1, 784]`, one row per image, pixels row-major (row 0 first),
                  scaled to 0..1 where 0 is the background and 1 the brightest ink: Fashion-MNIST's pictures are
                  light objects on a black background.
                - Output `%s`: `FP32`, shape `[-1, 10]`, class probabilities (softmax) in the order of the `labels` in `config.json`.

                | index | label |
                |---|---|
                %s
                ## Licence
                Fashion-MNIST is (c) Zalando SE, released under the MIT licence. The model is derived from it and
                distributed under the same terms.

                ## Limits
                Trained only on centred, dark-background product photos at 28x28; other pictures are squeezed into
                that form by the service's preprocessing and may be classified poorly.
                """, algorithm, testCount, check.accuracy(), check.correct(), testCount, trainSeconds,
                LocalDate.now(), graph, sha256, command, check.inputName(), check.outputName(), labelRows);
    }
}
