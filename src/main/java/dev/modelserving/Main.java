package dev.modelserving;

import dev.modelserving.cli.PredictCommand;
import dev.modelserving.cli.PredictOptions;
import dev.modelserving.cli.Usage;
import dev.modelserving.model.OnnxRuntimeEnvironment;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/**
 * Entry point of the jar and the native binary. Without arguments it serves HTTP; {@code predict FILE...} classifies
 * pictures and prints one JSON line each without opening a port; {@code --help} and {@code --version} answer without
 * starting anything.
 */
@QuarkusMain
public final class Main {

    /**
     * Not private: Quarkus makes a bean of the {@code @QuarkusMain} class, and a private constructor needs reflection.
     */
    Main() {
    }

    /**
     * Starts loading ONNX Runtime's native library (unpacking and linking some 30 MB) on a second thread while Quarkus
     * boots on this one, so that the model load at startup does not pay for it; measured by bench/run.sh. A failure
     * here is ignored: the model load reports it properly.
     */
    private static void preloadModelRuntime() {
        Thread preload = new Thread(() -> {
            try {
                OnnxRuntimeEnvironment.get();
            } catch (RuntimeException | LinkageError e) {
                // reported by ModelLifecycle when it loads the model
            }
        }, "onnxruntime-preload");
        preload.setDaemon(true);
        preload.start();
    }

    public static void main(String... args) {
        if (args.length == 0) {
            preloadModelRuntime();
            Quarkus.run(args);
            return;
        }
        switch (args[0]) {
            case "--help", "-h", "help" -> {
                System.out.print(Usage.text());
                System.exit(0);
            }
            case "--version", "-V" -> {
                System.out.println(Usage.versionLine());
                System.exit(0);
            }
            case PredictCommand.NAME -> {
                PredictOptions options;
                try {
                    options = PredictOptions.parse(Arrays.asList(args).subList(1, args.length));
                } catch (IllegalArgumentException e) {
                    System.err.print(e.getMessage() + "\n\n" + Usage.text());
                    System.exit(Usage.EXIT_USAGE);
                    return;
                }
                preloadModelRuntime();
                PredictCommand.configureForCommandLine();
                options.settings().forEach(System::setProperty);
                Quarkus.run(PredictCommand.class, (code, failure) -> System.exit(code),
                        options.files().toArray(String[]::new));
            }
            default -> {
                System.err.print("unknown command '" + args[0] + "'\n\n" + Usage.text());
                System.exit(Usage.EXIT_USAGE);
            }
        }
    }
}
