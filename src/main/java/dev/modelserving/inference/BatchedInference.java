package dev.modelserving.inference;

import dev.modelserving.model.LoadedModel;
import dev.modelserving.model.ModelConfig;
import dev.modelserving.model.ModelSession;
import dev.modelserving.model.RetiredModel;
import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ShuttingDownException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Each served model version behind a {@link RowBatcher} of its own (its runners, its queue: a slow model does not hold
 * up another): requests' work is prepared and run on {@code app.model.batching} runner threads, never on the event
 * loop, and the result comes back on the request's own Vert.x context (so the response is written, and logged, from
 * there as for any other request).
 */
// Created at startup, so that a wrong batching setting stops the start instead of failing the first request.
@Startup
@ApplicationScoped
public class BatchedInference {

    private static final long STOP_TIMEOUT_MILLIS = 10_000;
    private static final Logger LOG = Logger.getLogger(BatchedInference.class);

    private final ModelConfig.Batching batching;
    private final DistributionSummary batchRows;
    /** A model version's runners and its meters, the request counters by outcome made once, not per request. */
    private record Runners(RowBatcher batcher, Timer queue, Timer compute, Counter success, Counter invalid,
            Counter rejected, Counter expired, Counter error) {
    }

    private final MeterRegistry metrics;
    /** Runners by model version; its session is the key, compared by identity. */
    private final Map<ModelSession, Runners> runners = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    public BatchedInference(ModelConfig config, MeterRegistry metrics) {
        this.metrics = metrics;
        this.batchRows = DistributionSummary.builder("model.batch.rows")
                .description("Rows per model run of synchronous inference").register(metrics);
        this.batching = config.batching();
        // Checked here rather than with constraint annotations: validating config mappings bootstraps Hibernate
        // Validator during startup, which measured ~0.4 s of launch time.
        requirePositive("app.model.batching.threads", batching.threadCount());
        requirePositive("app.model.batching.max-rows", batching.maxRows());
        requirePositive("app.model.batching.queue-capacity", batching.queueCapacity());
        metrics.gauge("model.batch.waiting", runners,
                all -> all.values().stream().mapToInt(r -> r.batcher().waiting()).sum());
    }

    private static void requirePositive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be 1 or more, it is " + value);
        }
    }

    /**
     * Queues work for the model version. The supplier runs on a runner thread and may throw a problem exception (bad
     * input) that fails this request only.
     */
    public <T> Uni<T> run(LoadedModel model, Supplier<RowBatcher.Work<T>> prepare) {
        return run(model, prepare, Deadline.NONE);
    }

    /**
     * As {@link #run(LoadedModel, Supplier)}, for a caller that stops waiting at {@code deadline} or by cancelling its
     * subscription (a gRPC call cancelled, an HTTP connection closed): work still queued then never runs, and is
     * counted as {@code expired}.
     */
    public <T> Uni<T> run(LoadedModel model, Supplier<RowBatcher.Work<T>> prepare, Deadline deadline) {
        return Uni.createFrom().deferred(() -> {
            Runners runners = runners(model);
            CompletableFuture<T> result;
            try {
                result = runners.batcher().submit(timed(runners, prepare), deadline);
            } catch (RuntimeException e) {
                count(runners, e);
                throw e;
            }
            result.whenComplete((value, failure) -> count(runners, failure));
            Context context = Vertx.currentContext();
            return Uni.createFrom().<T>emitter(emitter -> {
                // Cancelling a future that completed is a no-op; one still queued is skipped by the runners.
                emitter.onTermination(() -> result.cancel(false));
                result.whenComplete((value, failure) -> {
                    Runnable deliver = () -> {
                        if (failure == null) {
                            emitter.complete(value);
                        } else {
                            emitter.fail(failure instanceof CompletionException && failure.getCause() != null
                                    ? failure.getCause()
                                    : failure);
                        }
                    };
                    if (context == null) {
                        deliver.run();
                    } else {
                        context.runOnContext(ignored -> deliver.run());
                    }
                });
            });
        });
    }

    /** The version's runners and meters, started on its first request. */
    private Runners runners(LoadedModel model) {
        if (stopping) {
            throw new ShuttingDownException("The service is shutting down; send the request to another replica");
        }
        return runners.computeIfAbsent(model.session(), session -> {
            Tags tags = Tags.of("model", model.metadata().name(), "version", model.metadata().version());
            return new Runners(new RowBatcher("inference-" + model.metadata().name() + "-"
                    + model.metadata().version(), batching.threadCount(), model.maxBatchRows(),
                    batching.queueCapacity(), (blocks, rows) -> session.run(blocks), batchRows::record),
                    Timer.builder("model.inference.queue").description("Time requests wait for a runner of the model")
                            .tags(tags).publishPercentileHistogram().register(metrics),
                    Timer.builder("model.inference.compute")
                            .description("Runner time of a request: decoding or parsing, its model run, its answer")
                            .tags(tags).publishPercentileHistogram().register(metrics),
                    requests(tags, "success"), requests(tags, "invalid"), requests(tags, "rejected"),
                    requests(tags, "expired"), requests(tags, "error"));
        });
    }

    private Counter requests(Tags tags, String outcome) {
        return metrics.counter("model.inference.requests", tags.and("outcome", outcome));
    }

    /** The work, timed: queued from now until a runner takes it, computed from then until its answer is made. */
    private static <T> Supplier<RowBatcher.Work<T>> timed(Runners runners, Supplier<RowBatcher.Work<T>> prepare) {
        long submitted = System.nanoTime();
        return () -> {
            long taken = System.nanoTime();
            runners.queue().record(taken - submitted, TimeUnit.NANOSECONDS);
            RowBatcher.Work<T> work;
            try {
                work = prepare.get();
            } catch (RuntimeException | Error e) {
                runners.compute().record(System.nanoTime() - taken, TimeUnit.NANOSECONDS);
                throw e;
            }
            return new RowBatcher.Work<>(work.inputs(), work.rows(), work.batchKey(), output -> {
                try {
                    return work.finish().apply(output);
                } finally {
                    runners.compute().record(System.nanoTime() - taken, TimeUnit.NANOSECONDS);
                }
            });
        };
    }

    /**
     * {@code model_inference_requests_total{model, version, outcome}}: success; invalid (the request was at fault,
     * 4xx); rejected (queue full, shutting down: 503); expired (its caller stopped waiting before it ran: a deadline
     * passed, a call cancelled, a connection closed); error (anything else).
     */
    private void count(Runners runners, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        Counter counter;
        if (cause == null) {
            counter = runners.success();
        } else if (cause instanceof CancellationException || cause instanceof DeadlineExceededException) {
            counter = runners.expired();
        } else if (cause instanceof ProblemException problem) {
            counter = problem.type().status() < 500 ? runners.invalid() : runners.rejected();
        } else {
            counter = runners.error();
        }
        counter.increment();
    }

    /** A version replaced by a hot swap, idle now: its runners stop (at once: nothing is queued) before it closes. */
    void onRetired(@Observes RetiredModel retired) throws InterruptedException {
        Runners version = runners.remove(retired.model().session());
        if (version != null && !version.batcher().stop(STOP_TIMEOUT_MILLIS)) {
            LOG.warnf("Runners of model %s still busy %d ms after it was retired; stopped", retired.model().id(),
                    STOP_TIMEOUT_MILLIS);
        }
    }

    /** Lets the runners finish their queue (they append prediction-log lines while they do), then stops them. */
    public void stop() throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + STOP_TIMEOUT_MILLIS * 1_000_000;
        for (Runners version : runners.values()) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (!version.batcher().stop(left)) {
                LOG.warnf("Inference runners still busy %d ms after shutdown began; stopped", STOP_TIMEOUT_MILLIS);
            }
        }
    }
}
