package dev.modelserving.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.OnnxModels;
import dev.modelserving.support.PackagedApp;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The packaged application's command line: {@code predict FILE...}, {@code --help}, {@code --version}. */
class PredictCommandIT {

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(Map<String, String> properties, String... args) throws Exception {
        Path out = Files.createTempFile(Path.of("target"), "cli-", ".out");
        Path err = Files.createTempFile(Path.of("target"), "cli-", ".err");
        Process process = new ProcessBuilder(PackagedApp.command(properties, List.of(args)))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the command finishes").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void classifiesEachFileAsTheModelDoesWithoutOpeningAPort() throws Exception {
        List<Fixtures.Fixture> fixtures = Fixtures.all().subList(0, 4);
        List<String> args = new ArrayList<>(List.of("predict"));
        fixtures.forEach(f -> args.add(f.path().toString()));
        // Hold the port the server would bind: the command must not need it.
        try (ServerSocket taken = new ServerSocket(0)) {
            Run run = run(Map.of("quarkus.http.port", String.valueOf(taken.getLocalPort())),
                    args.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            List<String> lines = run.stdout().lines().toList();
            assertThat(lines).hasSize(fixtures.size());
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < fixtures.size(); i++) {
                JsonNode line = json.readTree(lines.get(i));
                assertThat(line.path("file").asText()).isEqualTo(fixtures.get(i).path().toString());
                assertThat(line.path("label").asText()).isEqualTo(fixtures.get(i).predicted());
                assertThat(line.path("confidence").floatValue()).isBetween(0f, 1f);
                assertThat(line.path("top")).hasSize(3);
                assertThat(line.path("model").path("name").asText()).isEqualTo("fashion-mnist");
            }
        }
    }

    @Test
    void classifiesWithAModelOfTheRepositoryItIsGiven() throws Exception {
        Path folder = Files.createTempDirectory(Path.of("target"), "cli-repository-").toAbsolutePath();
        Path repository = folder.resolve("models");
        OnnxModels.writeModel(repository, "colours", 2, OnnxModels.channelMeans(false, 8, 8), """
                {"labels": ["red", "green", "blue"], "image": {"layout": "NHWC", "resize": "stretch"},
                 "output": {"softmax": true}}
                """);
        OnnxModels.writeModel(repository, "other", 1,
                OnnxModels.linear(new float[][]{{1}}, new float[]{0}), null);
        Path green = folder.resolve("green.png");
        BufferedImage picture = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                picture.setRGB(x, y, 0x00C000);
            }
        }
        ImageIO.write(picture, "png", green.toFile());
        Run run = run(Map.of(), "predict", "--repository", repository.toString(), "--model=colours",
                green.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode line = new ObjectMapper().readTree(run.stdout().strip());
        assertThat(line.path("label").asText()).isEqualTo("green");
        assertThat(line.path("model").path("name").asText()).isEqualTo("colours");
        assertThat(line.path("model").path("version").asText()).isEqualTo("2");
        Run unknown = run(Map.of(), "predict", "--model", "nope", green.toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("app.models.default names 'nope'");
        Run badOption = run(Map.of(), "predict", "--modle", "colours", green.toString());
        assertThat(badOption.exitCode()).isEqualTo(2);
        assertThat(badOption.stderr()).contains("predict has no option --modle");
    }

    @Test
    void classifiesAThousandFilesNamedOnOneCommandLine() throws Exception {
        Path folder = Files.createTempDirectory(Path.of("target"), "many-pictures-");
        List<Fixtures.Fixture> fixtures = Fixtures.all();
        List<String> args = new ArrayList<>(List.of("predict"));
        for (int i = 0; i < 1000; i++) {
            Path copy = folder.resolve(String.format("picture-with-a-longish-name-%04d.png", i));
            Files.copy(fixtures.get(i % fixtures.size()).path(), copy);
            args.add(copy.toString());
        }
        Run run = run(Map.of(), args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines).hasSize(1000);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 1000; i++) {
            assertThat(json.readTree(lines.get(i)).path("label").asText()).as("line %d", i)
                    .isEqualTo(fixtures.get(i % fixtures.size()).predicted());
        }
    }

    @Test
    void aLongJvmOptionDoesNotCrashTheStart() throws Exception {
        Run run = run(Map.of("padding.for.a.long.command.line", "x".repeat(4200)), "predict",
                Fixtures.first().path().toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout().lines()).hasSize(1);
    }

    @Test
    void anUnreadableFileGetsAnErrorLineAndExitCode1() throws Exception {
        Path notAnImage = Files.writeString(Files.createTempFile(Path.of("target"), "text-", ".png"), "hello");
        Run run = run(Map.of(), "predict", Fixtures.first().path().toString(), "/no/such/file.png",
                notAnImage.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(lines.get(0)).path("label").asText()).isEqualTo(Fixtures.first().predicted());
        assertThat(json.readTree(lines.get(1)).path("error").asText()).isEqualTo("no such file");
        assertThat(json.readTree(lines.get(2)).path("error").asText()).contains("not a PNG or JPEG");
    }

    @Test
    void helpAndVersionAnswerWithoutStarting() throws Exception {
        Run help = run(Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("predict [--model NAME] [--repository DIR] FILE...")
                .contains("--version");
        Run version = run(Map.of(), "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout().trim()).matches("model-serving \\d+\\.\\d+\\.\\d+.*");
        Run unknown = run(Map.of(), "serve-please");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("unknown command");
    }

    @Test
    void predictWithoutFilesIsAUsageError() throws IOException, Exception {
        Run run = run(Map.of(), "predict");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("at least one FILE");
    }
}
