package dev.modelserving.predictionlog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * order the lines were written even across restarts.
 *
 * <p>
 * Each file has a sequence number: a rotated file the one in its name, the current file the next one (the number it
 * will get when rotated), so that a position in the log ({@code sequence}, byte offset) stays valid across rotations.
 * When the log is shipped, rotated files are not deleted here: the shipper deletes them once they are sent. The methods
 * hold the instance's lock, so a reader never sees a rotation half done.
 */
final class RotatingFile {

    private static final Logger LOG = Logger.getLogger(RotatingFile.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path file;
    private final long maxBytes;
    private final int maxFiles;
    private final boolean deleteOnRotation;
    private final Clock clock;
    private final String base;
    private final String extension;
    private final Pattern rotatedName;
    private final AtomicLong bytesKept = new AtomicLong();
    private final AtomicLong filesKept = new AtomicLong();
    private final AtomicLong linesAppended = new AtomicLong();
    private long sequence = -1;

    /**
     * @param deleteOnRotation whether rotating deletes the oldest rotated files beyond {@code maxFiles}; off when a
     * shipper deletes them once they are sent
     */
    RotatingFile(Path file, long maxBytes, int maxFiles, boolean deleteOnRotation, Clock clock) {
        this.file = file.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.deleteOnRotation = deleteOnRotation;
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
    synchronized void append(List<String> lines) throws AppendFailed {
        int written = 0;
        try {
            Files.createDirectories(file.getParent());
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
                    linesAppended.incrementAndGet();
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

    /** One file of the log: a rotated one, or the current one (which may not exist yet). */
    record Segment(long sequence, Path path, boolean current) {
    }

    /** The rotated files, oldest first, then the current file. */
    synchronized List<Segment> segments() throws IOException {
        List<Segment> segments = new ArrayList<>();
        for (Path path : rotated()) {
            segments.add(new Segment(sequenceOf(path), path, false));
        }
        segments.add(new Segment(sequence() + 1, file, true));
        return segments;
    }

    /**
     * Opens the file with this sequence number for reading, or returns null when there is none. Taken under the lock,
     * so the channel reads the file that had this number when it was opened, whatever is renamed afterwards.
     */
    synchronized FileChannel open(long sequenceNumber) throws IOException {
        for (Segment segment : segments()) {
            if (segment.sequence() == sequenceNumber) {
                try {
                    return FileChannel.open(segment.path(), StandardOpenOption.READ);
                } catch (NoSuchFileException notYetWritten) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The sequence number of the current file: rotated files have lower ones. */
    synchronized long currentSequence() throws IOException {
        return sequence() + 1;
    }

    /** Deletes a rotated file (never the current one) and updates the measures. */
    synchronized void delete(Segment segment) throws IOException {
        if (segment.current()) {
            throw new IllegalArgumentException("the current file is never deleted");
        }
        Files.deleteIfExists(segment.path());
        measure();
    }

    /** Lines appended by this process so far. */
    long linesAppended() {
        return linesAppended.get();
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
        if (!Files.isDirectory(file.getParent())) {
            return found;
        }
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

    private long sequence() throws IOException {
        if (sequence < 0) {
            sequence = rotated().stream().mapToLong(this::sequenceOf).max().orElse(0);
        }
        return sequence;
    }

    private void rotate() throws IOException {
        long next = sequence() + 1;
        Path target = file.resolveSibling(String.format("%s-%06d-%s%s", base, next, STAMP.format(clock.instant()),
                extension));
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        sequence = next;
        if (!deleteOnRotation) {
            return;
        }
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
    synchronized void measure() {
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
