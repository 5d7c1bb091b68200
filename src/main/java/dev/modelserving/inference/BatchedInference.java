package dev.modelserving.inference;

import dev.modelserving.model.ModelConfig;
import dev.modelserving.model.ServedModel;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The served model behind a {@link RowBatcher}: requests' work is prepared and run on {@code app.model.batching} runner
 * threads, never on the event loop, and the result comes back on the request's own Vert.x context (so the response is
 * written, and logged, from there as for any other request).
 */
// Created at startup, so that a wrong batching setting stops the start instead of failing the first request.
@Startup
@ApplicationScoped
public class BatchedInference {

    private static final long STOP_TIMEOUT_MILLIS = 10_000;
    private static final Logger LOG = Logger.getLogger(BatchedInference.class);

    private final RowBatcher batcher;

    public BatchedInference(ServedModel served, ModelConfig config, MeterRegistry metrics) {
        DistributionSummary batchRows = DistributionSummary.builder("model.batch.rows")
                .description("Rows per model run of synchronous inference").register(metrics);
        ModelConfig.Batching batching = config.batching();
        // Checked here rather than with constraint annotations: validating config mappings bootstraps Hibernate
        // Validator during startup, which measured ~0.4 s of launch time.
        requirePositive("app.model.batching.threads", batching.threadCount());
        requirePositive("app.model.batching.max-rows", batching.maxRows());
        requirePositive("app.model.batching.queue-capacity", batching.queueCapacity());
        this.batcher = new RowBatcher("inference", batching.threadCount(),
                () -> served.current().map(ServedModel.Loaded::maxBatchRows).orElse(batching.maxRows()),
                batching.queueCapacity(), (blocks, rows) -> served.require().classifier().run(blocks, rows),
                batchRows::record);
        metrics.gauge("model.batch.waiting", batcher, RowBatcher::waiting);
    }

    private static void requirePositive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be 1 or more, it is " + value);
        }
    }

    /**
     * Queues work for the model. The supplier runs on a runner thread and may throw a problem exception (bad input)
     * that fails this request only.
     */
    public <T> Uni<T> run(Supplier<RowBatcher.Work<T>> prepare) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<T> result = batcher.submit(prepare);
            Context context = Vertx.currentContext();
            return Uni.createFrom().emitter(emitter -> result.whenComplete((value, failure) -> {
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
            }));
        });
    }

    /** Lets the runners finish their queue (they append prediction-log lines while they do), then stops them. */
    public void stop() throws InterruptedException {
        if (!batcher.stop(STOP_TIMEOUT_MILLIS)) {
            LOG.warnf("Inference runners still busy %d ms after shutdown began; stopped", STOP_TIMEOUT_MILLIS);
        }
    }
}
