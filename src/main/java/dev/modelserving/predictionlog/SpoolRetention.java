package dev.modelserving.predictionlog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What the log keeps while it is shipped. A rotated file that has been sent is deleted once there are more than
 * {@code max-files}; one that has not is kept, however many there are, until the unsent bytes pass
 * {@code spool-max-bytes}: then the oldest unsent file is deleted and its lines counted as dropped — the one way an
 * event is lost, and it is counted and logged. Neither the current file nor the one being sent is deleted: an attempt
 * that failed may still have delivered some of the latter's lines, and only lines never attempted can be counted as
 * missing exactly. So the spool may pass its limit by up to one file ({@code max-file-size}).
 */
final class SpoolRetention {

    private static final Logger LOG = Logger.getLogger(SpoolRetention.class);

    private final RotatingFile files;
    private final int maxFiles;
    private final long spoolMaxBytes;

    SpoolRetention(RotatingFile files, int maxFiles, long spoolMaxBytes) {
        this.files = files;
        this.maxFiles = maxFiles;
        this.spoolMaxBytes = spoolMaxBytes;
    }

    /**
     * @param sent how far the broker has acknowledged the log
     * @return how many unsent lines were deleted
     */
    long apply(LogPosition sent) throws IOException {
        List<RotatingFile.Segment> segments = files.segments();
        List<RotatingFile.Segment> rotated = segments.stream().filter(s -> !s.current()).toList();
        int excess = rotated.size() - maxFiles;
        for (RotatingFile.Segment segment : rotated) {
            if (excess <= 0 || segment.sequence() >= sent.sequence()) {
                break;
            }
            files.delete(segment);
            excess--;
        }
        long unsent = 0;
        for (RotatingFile.Segment segment : segments) {
            if (segment.sequence() >= sent.sequence()) {
                unsent += size(segment) - (segment.sequence() == sent.sequence() ? sent.position() : 0);
            }
        }
        long dropped = 0;
        for (RotatingFile.Segment segment : rotated) {
            if (unsent <= spoolMaxBytes) {
                break;
            }
            if (segment.sequence() <= sent.sequence()) {
                continue;
            }
            long lines;
            try (FileChannel channel = files.open(segment.sequence())) {
                lines = channel == null ? 0 : SpoolReader.countNewlines(channel, 0);
            }
            unsent -= size(segment);
            files.delete(segment);
            dropped += lines;
            LOG.errorf("Prediction log: %d unsent event(s) dropped with %s: the unsent lines passed "
                    + "app.prediction-log.spool-max-bytes (%d bytes) while the broker could not take them",
                    lines, segment.path().getFileName(), spoolMaxBytes);
        }
        return dropped;
    }

    private static long size(RotatingFile.Segment segment) throws IOException {
        try {
            return Files.size(segment.path());
        } catch (NoSuchFileException notWrittenYet) {
            return 0;
        }
    }
}
