package dev.modelserving.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size rotation of the prediction log's file: nothing lost, nothing split, the oldest files go, names keep order. */
class RotatingFileTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T07:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static List<String> lines(int from, int count, Random random) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            lines.add("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(random.nextInt(200)) + "\"}");
        }
        return lines;
    }

    /** Appends numbered lines in batches of the given sizes until {@code count} are written; the lines sent. */
    private static List<String> appendBatches(RotatingFile file, int count, IntSupplier batchSize, Random random)
            throws IOException {
        List<String> sent = new ArrayList<>();
        while (sent.size() < count) {
            List<String> batch = lines(sent.size(), Math.min(batchSize.getAsInt(), count - sent.size()), random);
            file.append(batch);
            sent.addAll(batch);
        }
        return sent;
    }

    /** Every line in the rotated files (oldest first) and then the current one. */
    private static List<String> everything(RotatingFile file, Path current) throws IOException {
        List<String> all = new ArrayList<>();
        for (Path rotated : file.rotated()) {
            all.addAll(Files.readAllLines(rotated));
        }
        if (Files.exists(current)) {
            all.addAll(Files.readAllLines(current));
        }
        return all;
    }

    @Test
    void everyLineArrivesWholeAndInOrderAcrossRotations() throws IOException {
        Path current = dir.resolve("predictions.jsonl");
        RotatingFile file = new RotatingFile(current, 1_000, 10_000, true, CLOCK);
        Random random = new Random(20261203);
        List<String> sent = appendBatches(file, 2_000, () -> 1 + random.nextInt(40), random);

        assertThat(everything(file, current)).containsExactlyElementsOf(sent);
        List<Path> rotated = file.rotated();
        assertThat(rotated).hasSizeGreaterThan(100);
        for (Path path : rotated) {
            assertThat(Files.size(path)).isLessThanOrEqualTo(1_000);
            assertThat(path.getFileName().toString()).matches("predictions-\\d{6}-20261203T070000Z\\.jsonl");
        }
        assertThat(rotated.get(0).getFileName().toString()).startsWith("predictions-000001-");
        assertThat(file.filesKept().get()).isEqualTo(rotated.size() + 1);
        long bytes = Files.size(current);
        for (Path path : rotated) {
            bytes += Files.size(path);
        }
        assertThat(file.bytesKept().get()).isEqualTo(bytes);
    }

    @Test
    void onlyTheNewestRotatedFilesAreKept() throws IOException {
        Path current = dir.resolve("predictions.jsonl");
        RotatingFile file = new RotatingFile(current, 500, 3, true, CLOCK);
        List<String> sent = appendBatches(file, 500, () -> 10, new Random(7));

        List<Path> rotated = file.rotated();
        assertThat(rotated).hasSize(3);
        List<String> kept = everything(file, current);
        // What is kept is the end of what was sent, in order: the deleted files held the beginning.
        assertThat(kept).isNotEmpty().isEqualTo(sent.subList(sent.size() - kept.size(), sent.size()));
        assertThat(file.filesKept().get()).isEqualTo(4);
    }

    @Test
    void theSequenceGoesOnAfterARestart() throws IOException {
        Path current = dir.resolve("predictions.jsonl");
        Random random = new Random(11);
        RotatingFile before = new RotatingFile(current, 300, 100, true, CLOCK);
        for (int i = 0; i < 10; i++) {
            before.append(lines(i * 5, 5, random));
        }
        List<Path> earlier = before.rotated();

        RotatingFile after = new RotatingFile(current, 300, 100, true, CLOCK);
        for (int i = 10; i < 20; i++) {
            after.append(lines(i * 5, 5, random));
        }

        List<Path> all = after.rotated();
        assertThat(all).startsWith(earlier.toArray(Path[]::new)).hasSizeGreaterThan(earlier.size());
        List<String> numbers = new ArrayList<>();
        for (String line : everything(after, current)) {
            numbers.add(line.replaceAll("\\{\"n\":(\\d+),.*", "$1"));
        }
        assertThat(numbers).hasSize(100).isSortedAccordingTo((a, b) -> Integer.compare(Integer.parseInt(a),
                Integer.parseInt(b)));
    }

    @Test
    void aLineLongerThanTheLimitGetsAFileOfItsOwn() throws IOException {
        Path current = dir.resolve("predictions.jsonl");
        RotatingFile file = new RotatingFile(current, 100, 10, true, CLOCK);
        String longLine = "{\"pad\":\"" + "y".repeat(300) + "\"}";
        file.append(List.of("{\"n\":1}", longLine, "{\"n\":2}"));

        assertThat(everything(file, current)).containsExactly("{\"n\":1}", longLine, "{\"n\":2}");
        assertThat(Files.readAllLines(current)).containsExactly("{\"n\":2}");
    }

    @Test
    void aFailedAppendSaysHowManyLinesWereWritten() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        RotatingFile file = new RotatingFile(notADirectory.resolve("predictions.jsonl"), 1_000, 10, true, CLOCK);

        assertThatThrownBy(() -> file.append(List.of("{\"n\":1}")))
                .isInstanceOfSatisfying(RotatingFile.AppendFailed.class, e -> assertThat(e.written()).isZero());
    }
}
