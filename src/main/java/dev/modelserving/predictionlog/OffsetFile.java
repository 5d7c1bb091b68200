package dev.modelserving.predictionlog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The small file beside the log that says how far the broker has acknowledged it ({@code <sequence> <position>}), so
 * that a new start sends on from there. It is replaced by a rename, so a crash leaves the old position or the new one,
 * never half of one; an old position only means some events are sent again, which their stable ids make harmless.
 */
final class OffsetFile {

    private final Path path;

    OffsetFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** The stored position; empty when there is none yet or it cannot be read (then everything on disk is sent). */
    Optional<LogPosition> load() throws IOException {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        String[] parts = Files.readString(path, StandardCharsets.US_ASCII).trim().split("\\s+");
        try {
            return Optional.of(new LogPosition(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    void store(LogPosition position) throws IOException {
        Path next = path.resolveSibling(path.getFileName() + ".next");
        Files.writeString(next, position.sequence() + " " + position.position() + "\n", StandardCharsets.US_ASCII);
        Files.move(next, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
