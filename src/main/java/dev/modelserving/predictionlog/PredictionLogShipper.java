package dev.modelserving.predictionlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Ships the prediction log to Kafka, at least once: the files on disk are the spool. One thread reads the lines in
 * order from the position the broker last acknowledged ({@link OffsetFile}), sends them as CloudEvents, waits for the
 * acknowledgement and only then moves the position on. While the broker is away the thread retries with a growing
 * pause; requests and inference never wait for it, they only append to the file. At shutdown it gets the time left to
 * send what remains; whatever is not acknowledged is sent by the next start from the same directory. Every line has a
 * stable id, so an event sent twice (acknowledged, but the acknowledgement lost) is recognised by its consumers.
 */
@ApplicationScoped
public class PredictionLogShipper {

    private static final Logger LOG = Logger.getLogger(PredictionLogShipper.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final long IDLE_MILLIS = 200;
    private static final long SLOW_ACKNOWLEDGEMENT_NANOS = Duration.ofSeconds(2).toNanos();

    private final PredictionLogConfig config;
    private final PredictionLog log;
    private final ObjectMapper json;
    private final Counter sent;
    private final Counter dropped;
    private final AtomicLong sentCount = new AtomicLong();
    private final AtomicLong droppedCount = new AtomicLong();
    private final Object signal = new Object();
    private volatile long backlogAtStart = -1;
    private volatile long appendedAtStart;
    private volatile Instant oldestUnsent;
    private volatile String state = "off: app.prediction-log.kafka.bootstrap-servers is not set";
    private volatile long sendingSince;
    private volatile boolean draining;
    private volatile boolean stopped;
    private volatile Thread thread;
    private volatile EventSender sender;

    public PredictionLogShipper(PredictionLogConfig config, PredictionLog log, ObjectMapper json,
            MeterRegistry metrics) {
        this.config = config;
        this.log = log;
        this.json = json;
        this.sent = Counter.builder("prediction.log.events.sent")
                .description("Prediction events acknowledged by the Kafka broker").register(metrics);
        this.dropped = Counter.builder("prediction.log.events.dropped")
                .description("Prediction events deleted unsent because the spool passed its size limit")
                .register(metrics);
        Gauge.builder("prediction.log.events.pending", this, PredictionLogShipper::pending)
                .description("Prediction log lines not yet acknowledged by the Kafka broker").register(metrics);
        Gauge.builder("prediction.log.shipping.lag", this, PredictionLogShipper::lagSeconds).baseUnit("seconds")
                .description("Age of the oldest prediction not yet acknowledged by the Kafka broker (0: none)")
                .register(metrics);
    }

    /** Whether the log is shipped at all: Kafka configured, and the log itself on. */
    public boolean enabled() {
        return config.enabled() && config.kafka().bootstrapServers().isPresent();
    }

    /** Starts the shipping thread; {@code workerId} names this replica in the events' source. */
    public synchronized void start(String workerId) {
        if (!enabled() || thread != null) {
            return;
        }
        RotatingFile files = log.files();
        PredictionEvents events = new PredictionEvents(json, config.kafka().topic(), "/model-serving/" + workerId);
        OffsetFile offsets = new OffsetFile(Path.of(config.path() + ".offset").toAbsolutePath());
        sender = new EventSender(config.kafka());
        state = "starting";
        thread = new Thread(() -> run(files, events, offsets), "prediction-log-shipper");
        thread.setDaemon(true);
        thread.start();
        LOG.infof("Prediction log shipped to Kafka (%s, topic %s); position kept in %s",
                config.kafka().bootstrapServers().orElseThrow(), config.kafka().topic(), offsets.path());
    }

    /**
     * Sends what remains (the log's final flush has been written) for at most {@code within}, then stops. Blocking.
     */
    public void drain(Duration within) throws InterruptedException {
        Thread running = thread;
        if (running == null) {
            return;
        }
        draining = true;
        wake();
        running.join(Math.max(1, within.toMillis()));
        stopped = true;
        if (running.isAlive()) {
            // Whatever is in flight is given up; the position on disk has not moved past it.
            sender.close(Duration.ZERO);
            running.interrupt();
            running.join(1000);
            LOG.warnf("Prediction log: %d event(s) not sent before shutdown; the next start from %s sends them",
                    pending(), Path.of(config.path()).toAbsolutePath().getParent());
        } else {
            sender.close(Duration.ofSeconds(1));
            LOG.infof("Prediction log: every event sent before shutdown (%d in all by this process)", sentCount.get());
        }
    }

    /** The shipping state in a few words, for the readiness check. */
    public String state() {
        String now = state;
        long waiting = System.nanoTime() - sendingSince;
        if ("sending".equals(now) && waiting > SLOW_ACKNOWLEDGEMENT_NANOS) {
            // The producer keeps trying within send-timeout; meanwhile the broker has not answered.
            return "waiting for the broker: no acknowledgement for " + Duration.ofNanos(waiting).toSeconds() + " s";
        }
        return now;
    }

    /** Lines written and not yet acknowledged (by this process's count; 0 until the backlog is counted). */
    public long pending() {
        long backlog = backlogAtStart;
        if (backlog < 0) {
            return 0;
        }
        long appended = log.files().linesAppended() - appendedAtStart;
        return Math.max(0, backlog + appended - sentCount.get() - droppedCount.get());
    }

    /** Seconds since the oldest unsent prediction was made; 0 when everything is sent. */
    public double lagSeconds() {
        Instant oldest = oldestUnsent;
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0);
    }

    public long sentCount() {
        return sentCount.get();
    }

    public long droppedCount() {
        return droppedCount.get();
    }

    private void run(RotatingFile files, PredictionEvents events, OffsetFile offsets) {
        SpoolReader reader = new SpoolReader(files);
        SpoolRetention retention = new SpoolRetention(files, config.maxFiles(), config.spoolMaxBytes().asLongValue());
        Duration backoff = FIRST_BACKOFF;
        boolean failing = false;
        LogPosition at = null;
        while (!stopped) {
            try {
                if (at == null) {
                    at = offsets.load().orElse(reader.first());
                    countBacklog(files, reader, at);
                }
                long deleted = retention.apply(at);
                if (deleted > 0) {
                    droppedCount.addAndGet(deleted);
                    dropped.increment(deleted);
                }
                SpoolReader.Batch batch = reader.read(at, config.kafka().batchLines());
                if (!batch.start().equals(at)) {
                    at = batch.start();
                    offsets.store(at);
                }
                if (batch.lines().isEmpty()) {
                    oldestUnsent = null;
                    state = "up to date";
                    if (draining) {
                        return;
                    }
                    pause(IDLE_MILLIS);
                    continue;
                }
                List<PredictionEvents.Event> toSend = new ArrayList<>();
                int skipped = mapLines(batch, events, toSend);
                sendingSince = System.nanoTime();
                state = "sending";
                EventSender.Outcome outcome = sender.send(toSend);
                int done = Math.min(batch.lines().size(), skipped + outcome.acknowledged());
                if (done > 0) {
                    at = batch.lines().get(done - 1).end();
                    offsets.store(at);
                    sentCount.addAndGet(outcome.acknowledged());
                    sent.increment(outcome.acknowledged());
                }
                if (outcome.failure() == null) {
                    if (failing) {
                        LOG.infof("Prediction log: the broker takes events again; %d waiting", pending());
                    }
                    failing = false;
                    backoff = FIRST_BACKOFF;
                    continue;
                }
                state = "waiting for the broker: " + outcome.failure().getMessage();
                if (!failing) {
                    LOG.warnf("Prediction log: events cannot be sent to Kafka (%s); they wait on disk and are sent "
                            + "when the broker is back", outcome.failure().getMessage());
                }
                failing = true;
            } catch (IOException | RuntimeException e) {
                state = "cannot read the log: " + e.getMessage();
                LOG.errorf(e, "Prediction log: shipping failed; trying again in %s", backoff);
            }
            pause(backoff.toMillis());
            backoff = backoff.multipliedBy(2).compareTo(config.kafka().maxRetryBackoff()) > 0
                    ? config.kafka().maxRetryBackoff()
                    : backoff.multipliedBy(2);
        }
    }

    /**
     * Turns the batch's lines into events, in order, up to the first line that is not one (cut short by a crash): that
     * one is skipped, counted as dropped, only when it is the first, so that the acknowledged events stay a prefix.
     *
     * @return how many leading lines were skipped
     */
    private int mapLines(SpoolReader.Batch batch, PredictionEvents events, List<PredictionEvents.Event> toSend) {
        int skipped = 0;
        for (SpoolReader.Line line : batch.lines()) {
            try {
                PredictionEvents.Event event = events.of(line.bytes());
                if (toSend.isEmpty()) {
                    oldestUnsent = event.time();
                }
                toSend.add(event);
            } catch (IOException e) {
                if (!toSend.isEmpty()) {
                    break;
                }
                skipped++;
                droppedCount.incrementAndGet();
                dropped.increment();
                LOG.errorf("Prediction log: a line ending at byte %d of file %d is not a prediction record (%s); "
                        + "skipped", line.end().position(), line.end().sequence(), e.getMessage());
            }
        }
        return skipped;
    }

    private void countBacklog(RotatingFile files, SpoolReader reader, LogPosition from) throws IOException {
        // Counted before the appends that follow, so that pending = backlog + appended since - sent - dropped.
        synchronized (files) {
            appendedAtStart = files.linesAppended();
            backlogAtStart = reader.countLines(from);
        }
    }

    private void pause(long millis) {
        synchronized (signal) {
            if (!stopped) {
                try {
                    signal.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
        }
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }
}
