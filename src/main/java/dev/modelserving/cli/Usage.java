package dev.modelserving.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The command line's help text and version line. */
public final class Usage {

    /** Exit code for a command line that makes no sense. */
    public static final int EXIT_USAGE = 2;

    private Usage() {
    }

    public static String text() {
        return """
                Usage:
                  model-serving                    serve the HTTP API (port 8080 unless quarkus.http.port says otherwise)
                  model-serving predict [--model NAME] [--repository DIR] FILE...
                                                   classify PNG/JPEG pictures; one JSON line per file on stdout
                  model-serving --help             this text
                  model-serving --version          the version

                predict exits with 0 when every file was classified, 1 when any could not be read or decoded
                (its line then has an "error" member instead of a label). It does not open any port.
                --repository DIR: the model repository (default: app.models.repository, else the bundled one);
                --model NAME: its model to use (default: app.models.default).
                From the jar: java -jar target/quarkus-app/quarkus-run.jar predict shoe.png
                """;
    }

    public static String versionLine() {
        Properties build = new Properties();
        try (InputStream in = Usage.class.getClassLoader().getResourceAsStream("META-INF/model-serving.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            // Fall through to "unknown": the version line is informational.
        }
        return build.getProperty("name", "model-serving") + " " + build.getProperty("version", "unknown");
    }
}
