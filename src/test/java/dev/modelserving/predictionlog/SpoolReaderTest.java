package dev.modelserving.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the log from a position across its files, as the shipper does while lines are appended and rotated. */
class SpoolReaderTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T07:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static List<String> numbered(int from, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            lines.add("{\"n\":" + i + "}");
        }
        return lines;
    }

    /** Reads everything from {@code from} in batches of {@code max}, as the shipper would; returns the lines. */
    private static List<String> readAll(SpoolReader reader, LogPosition from, int max, List<LogPosition> ends)
            throws IOException {
        List<String> read = new ArrayList<>();
        LogPosition at = from;
        while (true) {
            SpoolReader.Batch batch = reader.read(at, max);
            if (batch.lines().isEmpty()) {
                ends.add(batch.start());
                return read;
            }
            for (SpoolReader.Line line : batch.lines()) {
                read.add(new String(line.bytes(), StandardCharsets.UTF_8));
            }
            at = batch.lines().get(batch.lines().size() - 1).end();
        }
    }

    @Test
    void readsEveryLineOnceAcrossRotatedFilesAndResumesFromAPosition() throws IOException {
        Path current = dir.resolve("predictions.jsonl");
        RotatingFile files = new RotatingFile(current, 50, 1000, false, CLOCK);
        files.append(numbered(0, 40));
        SpoolReader reader = new SpoolReader(files);
        assertThat(files.segments()).hasSizeGreaterThan(5);

        List<LogPosition> ends = new ArrayList<>();
        assertThat(readAll(reader, reader.first(), 7, ends)).isEqualTo(numbered(0, 40));
        LogPosition end = ends.get(0);
        assertThat(end.sequence()).isEqualTo(files.currentSequence());

        // More lines, and rotations meanwhile: reading on from the end gives exactly the new ones.
        files.append(numbered(40, 25));
        assertThat(readAll(reader, end, 3, ends)).isEqualTo(numbered(40, 25));
        assertThat(reader.countLines(reader.first())).isEqualTo(65);
        assertThat(reader.countLines(end)).isEqualTo(25);
    }

    @Test
    void linesAcrossTheReadChunksComeOutWhole() throws IOException {
        // Lines of 1 to 1000 bytes and one longer than a read chunk (64 KiB): many end in a chunk after the one they
        // start in.
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            lines.add("{\"n\":" + i + ",\"pad\":\"" + "x".repeat((i * 37) % 1000) + "\"}");
        }
        lines.add(300, "{\"long\":\"" + "y".repeat(150_000) + "\"}");
        Path current = dir.resolve("predictions.jsonl");
        RotatingFile files = new RotatingFile(current, 100_000_000, 10, false, CLOCK);
        files.append(lines);
        SpoolReader reader = new SpoolReader(files);

        assertThat(readAll(reader, reader.first(), 1000, new ArrayList<>())).isEqualTo(lines);
        assertThat(readAll(reader, reader.first(), 13, new ArrayList<>())).isEqualTo(lines);
    }

    @Test
    void aLineIsReadOnlyOnceItsNewlineIsWritten() throws IOException {
        Path current = dir.resolve("predictions.jsonl");
        RotatingFile files = new RotatingFile(current, 1_000_000, 10, false, CLOCK);
        files.append(List.of("{\"n\":0}"));
        Files.writeString(current, "{\"n\":1", StandardOpenOption.APPEND);
        SpoolReader reader = new SpoolReader(files);

        List<LogPosition> ends = new ArrayList<>();
        assertThat(readAll(reader, reader.first(), 10, ends)).containsExactly("{\"n\":0}");
        assertThat(ends.get(0).position()).isEqualTo(8);

        Files.writeString(current, "}\n", StandardOpenOption.APPEND);
        assertThat(readAll(reader, ends.get(0), 10, ends)).containsExactly("{\"n\":1}");
    }

    @Test
    void aPositionPastAReplacedFileStartsItAgain() throws IOException {
        Path current = dir.resolve("predictions.jsonl");
        RotatingFile files = new RotatingFile(current, 1_000_000, 10, false, CLOCK);
        files.append(List.of("{\"n\":0}"));
        SpoolReader reader = new SpoolReader(files);

        List<String> read = readAll(reader, new LogPosition(files.currentSequence(), 5_000), 10, new ArrayList<>());
        assertThat(read).containsExactly("{\"n\":0}");
        read = readAll(reader, new LogPosition(files.currentSequence() + 7, 0), 10, new ArrayList<>());
        assertThat(read).containsExactly("{\"n\":0}");
    }

    @Test
    void theOffsetFileKeepsAPositionAndIgnoresGarbage() throws IOException {
        OffsetFile offsets = new OffsetFile(dir.resolve("predictions.jsonl.offset"));
        assertThat(offsets.load()).isEmpty();
        offsets.store(new LogPosition(12, 3456));
        assertThat(offsets.load()).contains(new LogPosition(12, 3456));
        Files.writeString(offsets.path(), "not a position");
        assertThat(offsets.load()).isEmpty();
    }
}
