package dev.modelserving.predictionlog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * A JSON-lines file that is rotated by size: before a line would take the current file past {@code maxBytes}, the file
 * is renamed to {@code <name>-<sequence>-<UTC time>.<ext>} beside it and a new one begun; past {@code maxFiles} rotated
 * files the oldest is deleted. Lines are written whole, so a rotation never splits one (a single line longer than
 * {@code maxBytes} gets a file of its own). The sequence continues from the files already there, so names sort in the
 * order the lines were written even across restarts. Not thread-safe: one writer (the log's flush) at a time.
 */
final class RotatingFile {

    private static final Logger LOG = Logger.getLogger(RotatingFile.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path file;
    private final long maxBytes;
    private final int maxFiles;
    private final Clock clock;
    private final String base;
    private final String extension;
    private final Pattern rotatedName;
    private final AtomicLong bytesKept = new AtomicLong();
    private final AtomicLong filesKept = new AtomicLong();
    private long sequence = -1;

    RotatingFile(Path file, long maxBytes, int maxFiles, Clock clock) {
        this.file = file.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.clock = clock;
        String name = this.file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.base = dot > 0 ? name.substring(0, dot) : name;
        this.extension = dot > 0 ? name.substring(dot) : "";
        this.rotatedName = Pattern
                .compile(Pattern.quote(base) + "-(\\d{6,})-\\d{8}T\\d{6}Z" + Pattern.quote(extension));
    }

    /** The lines before {@link #written()} were appended when writing failed; the others were not. */
    static final class AppendFailed extends IOException {

        private final int written;

        AppendFailed(int written, IOException cause) {
            super(cause.getMessage(), cause);
            this.written = written;
        }

        int written() {
            return written;
        }
    }

    /**
     * Appends the lines, each followed by a newline, rotating between lines when the size limit is reached.
     *
     * @throws AppendFailed when writing failed, saying how many of the lines were appended before
     */
    void append(List<String> lines) throws AppendFailed {
        int written = 0;
        try {
            Files.createDirectories(file.getParent());
            if (sequence < 0) {
                sequence = rotated().stream().mapToLong(this::sequenceOf).max().orElse(0);
            }
            long size = Files.exists(file) ? Files.size(file) : 0;
            OutputStream out = open();
            try {
                for (String line : lines) {
                    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                    if (size > 0 && size + bytes.length > maxBytes) {
                        // The lines so far are in the file once it is closed; only then is it renamed.
                        out.close();
                        rotate();
                        out = open();
                        size = 0;
                    }
                    out.write(bytes);
                    written++;
                    size += bytes.length;
                }
            } finally {
                out.close();
            }
        } catch (IOException e) {
            throw new AppendFailed(written, e);
        } finally {
            measure();
        }
    }

    /** Bytes in the current and the rotated files, as of the last append. */
    AtomicLong bytesKept() {
        return bytesKept;
    }

    /** The current file and the rotated ones, as of the last append. */
    AtomicLong filesKept() {
        return filesKept;
    }

    /** The rotated files, oldest first. */
    List<Path> rotated() throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(file.getParent(), base + "-*" + extension)) {
            for (Path entry : entries) {
                if (rotatedName.matcher(entry.getFileName().toString()).matches()) {
                    found.add(entry);
                }
            }
        }
        found.sort((a, b) -> Long.compare(sequenceOf(a), sequenceOf(b)));
        return found;
    }

    private OutputStream open() throws IOException {
        return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    private void rotate() throws IOException {
        sequence++;
        Path target = file.resolveSibling(String.format("%s-%06d-%s%s", base, sequence, STAMP.format(clock.instant()),
                extension));
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        List<Path> rotated = rotated();
        for (int i = 0; i < rotated.size() - maxFiles; i++) {
            try {
                Files.deleteIfExists(rotated.get(i));
            } catch (IOException e) {
                // Kept for now: the next rotation tries again, and the lines being written matter more.
                LOG.warnf("Prediction log: could not delete %s (%s)", rotated.get(i), e.getMessage());
            }
        }
    }

    /** Updates the kept bytes and files; a file that went away meanwhile just does not count. */
    private void measure() {
        try {
            long bytes = 0;
            long files = 0;
            List<Path> all = new ArrayList<>(rotated());
            all.add(file);
            for (Path path : all) {
                try {
                    bytes += Files.size(path);
                    files++;
                } catch (IOException gone) {
                    // deleted or never written
                }
            }
            bytesKept.set(bytes);
            filesKept.set(files);
        } catch (IOException e) {
            LOG.debugf("Prediction log: could not list %s (%s)", file.getParent(), e.getMessage());
        }
    }

    private long sequenceOf(Path path) {
        Matcher matcher = rotatedName.matcher(path.getFileName().toString());
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : 0;
    }
}
