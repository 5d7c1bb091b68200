package dev.modelserving.predictionlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The prediction log: one JSON line per prediction, buffered in memory and appended to a file in batches — every
 * {@code flush-interval}, early when {@code buffer-size} lines are waiting, and a last time when the application stops,
 * so that every prediction that was answered is on disk. Appending never blocks; a failed write keeps its lines for the
 * next flush, up to {@code max-pending-lines}: past that (the disk has been failing for a while) the oldest are dropped
 * and counted, the one way a line is lost. The file is rotated by size ({@link RotatingFile}); the oldest rotated files
 * beyond {@code max-files} are deleted, or, when the log is shipped to Kafka, once {@link PredictionLogShipper} has
 * sent them.
 */
@ApplicationScoped
public class PredictionLog {

    private static final Logger LOG = Logger.getLogger(PredictionLog.class);

    private final PredictionLogConfig config;
    private final ObjectMapper json;
    private final Path file;
    private final RotatingFile files;
    private final ConcurrentLinkedDeque<String> pending = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicBoolean earlyFlushStarted = new AtomicBoolean();
    private final ReentrantLock writing = new ReentrantLock();
    private final Counter linesWritten;
    private final Counter linesDropped;
    private final Timer flushTimer;

    public PredictionLog(PredictionLogConfig config, ObjectMapper json, MeterRegistry metrics) {
        this.config = config;
        this.json = json;
        this.file = Path.of(config.path());
        // Shipped to Kafka, a rotated file is deleted by the shipper once sent, not by age alone.
        this.files = new RotatingFile(file, config.maxFileSize().asLongValue(), config.maxFiles(),
                config.kafka().bootstrapServers().isEmpty(), Clock.systemUTC());
        this.linesWritten = Counter.builder("prediction.log.lines.written")
                .description("Prediction log lines written to the file").register(metrics);
        this.linesDropped = Counter.builder("prediction.log.lines.dropped")
                .description("Prediction log lines dropped because the file could not be written for too long")
                .register(metrics);
        this.flushTimer = Timer.builder("prediction.log.flush")
                .description("Time to append one batch of lines to the prediction log").register(metrics);
        metrics.gauge("prediction.log.lines.pending", pendingCount);
        Gauge.builder("prediction.log.bytes", files.bytesKept(), AtomicLong::get).baseUnit("bytes")
                .description("Bytes of the prediction log on disk: the current file and the rotated ones kept")
                .register(metrics);
        Gauge.builder("prediction.log.files", files.filesKept(), AtomicLong::get)
                .description("Files of the prediction log on disk: the current one and the rotated ones kept")
                .register(metrics);
    }

    /** Buffers one line. Cheap and non-blocking: callable from any thread, including the event loop. */
    public void append(PredictionRecord record) {
        if (!config.enabled()) {
            return;
        }
        String line;
        try {
            line = json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a prediction record could not be written as JSON", e);
        }
        pending.addLast(line);
        int waiting = pendingCount.incrementAndGet();
        if (waiting > config.maxPendingLines() && pending.pollFirst() != null) {
            pendingCount.decrementAndGet();
            linesDropped.increment();
        }
        if (waiting >= config.bufferSize() && earlyFlushStarted.compareAndSet(false, true)) {
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    flush();
                } finally {
                    earlyFlushStarted.set(false);
                }
            });
        }
    }

    /** The first run waits one interval too: at startup there is nothing to write. */
    @Scheduled(every = "${app.prediction-log.flush-interval}", delayed = "${app.prediction-log.flush-interval}",
            identity = "prediction-log-flush", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduledFlush() {
        flush();
    }

    /** The final flush, once nothing appends any more (tasks and inference runners stopped). */
    public void flushOnShutdown() {
        int written = flush();
        // The total lets a reader of the log check it against the shipper's own total (every line sent?), even when
        // rotated files have been deleted since.
        LOG.infof("Prediction log flushed on shutdown: %d line(s) written to %s (%d in all by this process)", written,
                file, (long) linesWritten.count());
    }

    /**
     * Appends every buffered line to the file. Blocking (file I/O): never call it on the event loop.
     *
     * @return how many lines were written
     */
    public int flush() {
        writing.lock();
        try {
            List<String> batch = new ArrayList<>();
            for (String line = pending.pollFirst(); line != null; line = pending.pollFirst()) {
                batch.add(line);
            }
            if (batch.isEmpty()) {
                return 0;
            }
            pendingCount.addAndGet(-batch.size());
            long started = System.nanoTime();
            try {
                files.append(batch);
            } catch (RotatingFile.AppendFailed e) {
                // Keep the lines not written, in order, ahead of newer ones: the next flush tries again. Those
                // written before the failure are in the file and are not written twice.
                int written = e.written();
                for (int i = batch.size() - 1; i >= written; i--) {
                    pending.addFirst(batch.get(i));
                }
                pendingCount.addAndGet(batch.size() - written);
                linesWritten.increment(written);
                LOG.errorf("Prediction log: %d line(s) could not be written to %s (%s); kept for the next flush "
                        + "(%d dropped so far, beyond app.prediction-log.max-pending-lines)", batch.size() - written,
                        file, e.getMessage(), (long) linesDropped.count());
                return written;
            }
            flushTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            linesWritten.increment(batch.size());
            return batch.size();
        } finally {
            writing.unlock();
        }
    }

    /** The files the lines are written to, for the shipper to read. */
    RotatingFile files() {
        return files;
    }

    /** Lines buffered and not yet written. */
    public int pendingLines() {
        return pendingCount.get();
    }
}
