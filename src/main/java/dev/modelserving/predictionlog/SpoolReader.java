package dev.modelserving.predictionlog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Reads whole lines of the prediction log from a {@link LogPosition} on, across its files in order. A line counts only
 * once its newline is written, so a line being appended is never read half. A rotated file read to its end leads to the
 * next one; the current file is never left (more lines will come).
 */
final class SpoolReader {

    private static final Logger LOG = Logger.getLogger(SpoolReader.class);
    private static final int CHUNK = 64 * 1024;

    private final RotatingFile files;

    SpoolReader(RotatingFile files) {
        this.files = files;
    }

    /** One line, without its newline, and the position just after it. */
    record Line(byte[] bytes, LogPosition end) {
    }

    /**
     * The lines read, and where they start: past {@code from} when finished or missing files were skipped, so that the
     * caller can record that even when no line followed.
     */
    record Batch(LogPosition start, List<Line> lines) {
    }

    /** The first position of the log: the start of its oldest file. */
    LogPosition first() throws IOException {
        return new LogPosition(files.segments().get(0).sequence(), 0);
    }

    Batch read(LogPosition from, int maxLines) throws IOException {
        LogPosition at = from;
        while (true) {
            // Read before opening: a file that was already rotated then is complete once read to its end.
            long current = files.currentSequence();
            if (at.sequence() > current) {
                LOG.warnf("Prediction log: the recorded shipping position (file %d) is past the current file (%d); "
                        + "the log was replaced, sending it from its start", at.sequence(), current);
                at = first();
                continue;
            }
            try (FileChannel channel = files.open(at.sequence())) {
                if (channel == null) {
                    if (at.sequence() == current) {
                        return new Batch(at, List.of());
                    }
                    at = next(at.sequence());
                    continue;
                }
                if (at.position() > channel.size()) {
                    LOG.warnf("Prediction log: file %d is shorter than the recorded shipping position; it was "
                            + "replaced, sending it from its start", at.sequence());
                    at = new LogPosition(at.sequence(), 0);
                }
                List<Line> lines = lines(channel, at, maxLines);
                if (!lines.isEmpty() || at.sequence() == current) {
                    return new Batch(at, lines);
                }
                at = next(at.sequence());
            }
        }
    }

    /** Lines from {@code from} to the end of the log, for the count of what is waiting when the shipper starts. */
    long countLines(LogPosition from) throws IOException {
        long count = 0;
        for (RotatingFile.Segment segment : files.segments()) {
            if (segment.sequence() < from.sequence()) {
                continue;
            }
            try (FileChannel channel = files.open(segment.sequence())) {
                if (channel != null) {
                    count += countNewlines(channel, segment.sequence() == from.sequence() ? from.position() : 0);
                }
            }
        }
        return count;
    }

    /** Lines of one rotated file from a position on: what is lost when it is dropped unsent. */
    static long countNewlines(FileChannel channel, long from) throws IOException {
        long count = 0;
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        channel.position(from);
        while (channel.read(buffer) > 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                if (buffer.get() == '\n') {
                    count++;
                }
            }
            buffer.clear();
        }
        return count;
    }

    private LogPosition next(long sequence) throws IOException {
        for (RotatingFile.Segment segment : files.segments()) {
            if (segment.sequence() > sequence) {
                return new LogPosition(segment.sequence(), 0);
            }
        }
        return new LogPosition(files.currentSequence(), 0);
    }

    private static List<Line> lines(FileChannel channel, LogPosition from, int maxLines) throws IOException {
        List<Line> lines = new ArrayList<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream(512);
        byte[] chunk = new byte[CHUNK];
        long chunkStart = from.position();
        channel.position(chunkStart);
        while (lines.size() < maxLines) {
            int read = channel.read(ByteBuffer.wrap(chunk));
            if (read <= 0) {
                break;
            }
            int lineStart = 0;
            for (int i = 0; i < read && lines.size() < maxLines; i++) {
                if (chunk[i] == '\n') {
                    byte[] line;
                    if (partial.size() == 0) {
                        // The common case, a line within the chunk: copied once.
                        line = Arrays.copyOfRange(chunk, lineStart, i);
                    } else {
                        partial.write(chunk, lineStart, i - lineStart);
                        line = partial.toByteArray();
                        partial.reset();
                    }
                    lines.add(new Line(line, new LogPosition(from.sequence(), chunkStart + i + 1)));
                    lineStart = i + 1;
                }
            }
            // A line not ended yet (being written) is carried into the next chunk, or left for the next read.
            partial.write(chunk, lineStart, read - lineStart);
            chunkStart += read;
        }
        return lines;
    }
}
