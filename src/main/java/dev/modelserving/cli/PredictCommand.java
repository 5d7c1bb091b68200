package dev.modelserving.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.inference.Prediction;
import dev.modelserving.inference.PredictionContext;
import dev.modelserving.inference.PredictionService;
import dev.modelserving.problem.ProblemException;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code predict [--model NAME] [--repository DIR] FILE...}: classifies each picture with the repository's default
 * model, or the one named. Its arguments are the files: {@link PredictOptions} has taken the options out.
 */
public class PredictCommand implements QuarkusApplication {

    public static final String NAME = "predict";
    static final int EXIT_SOME_FAILED = 1;

    /** One output line: the prediction for a file, or why there is none. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Line(String file, String label, Float confidence, List<Prediction.LabelProbability> top,
            Prediction.ModelRef model, String error) {

        static Line of(String file, Prediction prediction) {
            return new Line(file, prediction.label(), prediction.confidence(), prediction.top(), prediction.model(),
                    null);
        }

        static Line failed(String file, String error) {
            return new Line(file, null, null, null, null, error);
        }
    }

    @Inject
    PredictionService predictions;

    @Inject
    ObjectMapper json;

    /**
     * Settings for a command-line run, applied before Quarkus starts: no HTTP port, no prediction-log file in the
     * working directory, logs on stderr so that stdout holds only the JSON lines, and no shutdown delay.
     */
    public static void configureForCommandLine() {
        System.setProperty("quarkus.http.host-enabled", "false");
        System.setProperty("app.prediction-log.enabled", "false");
        // A command-line run classifies files: it neither reads a shared store nor takes tasks from its queue.
        System.setProperty("app.store", "memory");
        System.setProperty("app.tasks.workers", "0");
        System.setProperty("quarkus.log.console.stderr", "true");
        System.setProperty("quarkus.log.level", "WARN");
        System.setProperty("quarkus.banner.enabled", "false");
        System.setProperty("quarkus.shutdown.delay-enabled", "false");
        System.setProperty("quarkus.shutdown.delay", "0s");
    }

    @Override
    public int run(String... args) throws Exception {
        List<String> files = Arrays.asList(args);
        int exit = 0;
        for (String file : files) {
            Line line;
            try {
                byte[] image = Files.readAllBytes(Path.of(file));
                line = Line.of(file, predictions.classifyImageNow(image, PredictionContext.NONE));
            } catch (NoSuchFileException e) {
                line = Line.failed(file, "no such file");
            } catch (IOException e) {
                line = Line.failed(file, "cannot read the file: " + e.getMessage());
            } catch (ProblemException e) {
                line = Line.failed(file, e.getMessage());
            }
            if (line.error() != null) {
                exit = EXIT_SOME_FAILED;
            }
            System.out.println(json.writeValueAsString(line));
        }
        System.out.flush();
        return exit;
    }
}
