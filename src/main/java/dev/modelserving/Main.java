package dev.modelserving;

import dev.modelserving.cli.PredictCommand;
import dev.modelserving.cli.Usage;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the jar and the native binary. Without arguments it serves HTTP; {@code predict FILE...}
 * classifies pictures and prints one JSON line each without opening a port; {@code --help} and {@code --version}
 * answer without starting anything.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (args.length == 0) {
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
                if (args.length < 2) {
                    System.err.print("predict needs at least one FILE\n\n" + Usage.text());
                    System.exit(Usage.EXIT_USAGE);
                }
                PredictCommand.configureForCommandLine();
                Quarkus.run(PredictCommand.class, (code, failure) -> System.exit(code), args);
            }
            default -> {
                System.err.print("unknown command '" + args[0] + "'\n\n" + Usage.text());
                System.exit(Usage.EXIT_USAGE);
            }
        }
    }
}
