package dev.modelserving;

import dev.modelserving.inference.BatchedInference;
import dev.modelserving.model.ModelLifecycle;
import dev.modelserving.predictionlog.PredictionLog;
import dev.modelserving.predictionlog.PredictionLogShipper;
import dev.modelserving.security.AdminBootstrap;
import dev.modelserving.store.Database;
import dev.modelserving.task.TaskService;
import dev.modelserving.task.TaskWorker;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The order in which the service starts and stops, in one place; the features only offer the steps.
 *
 * <p>
 * Startup ({@link StartupEvent}, before the HTTP port serves):
 * <ol>
 * <li>the schema migrations, with the PostgreSQL store (everything below reads or writes it);</li>
 * <li>the administrator account, when {@code app.admin.password} is set, while</li>
 * <li>the model is loaded, checked and warmed; readiness is DOWN until then;</li>
 * <li>this replica's task worker starts claiming (its jobs need the model);</li>
 * <li>the prediction log's shipper starts sending to Kafka, when configured (named after the worker).</li>
 * </ol>
 * Then the HTTP server listens, and {@link RequestPathWarmup} runs the request paths once before readiness goes UP.
 *
 * <p>
 * Shutdown: when the shutdown delay begins ({@code quarkus.shutdown.delay-enabled}, readiness DOWN) new tasks are
 * refused with 503 and nothing more is claimed. Then, on {@link ShutdownEvent}, once HTTP has drained:
 * <ol>
 * <li>tasks: running ones get {@code quarkus.shutdown.timeout} to finish, then go back to the queue (PostgreSQL) or end
 * CANCELLED (memory);</li>
 * <li>the inference runners finish their queue;</li>
 * <li>the prediction log's final flush: tasks and runners append lines until they stop, so it comes after them;</li>
 * <li>the shipper sends what remains to Kafka within what is left of {@code quarkus.shutdown.timeout} since this event;
 * the rest waits on disk for the next start;</li>
 * <li>the model closes.</li>
 * </ol>
 * A step that fails is logged and the next one still runs: a failed task hand-back must not cost the log its lines.
 */
@ApplicationScoped
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final Database database;
    private final AdminBootstrap admin;
    private final ModelLifecycle model;
    private final TaskService tasks;
    private final TaskWorker worker;
    private final BatchedInference inference;
    private final PredictionLog predictionLog;
    private final PredictionLogShipper shipper;
    private final Duration shutdownTimeout;

    public Lifecycle(Database database, AdminBootstrap admin, ModelLifecycle model, TaskService tasks,
            TaskWorker worker, BatchedInference inference, PredictionLog predictionLog, PredictionLogShipper shipper,
            @ConfigProperty(name = "quarkus.shutdown.timeout", defaultValue = "30s") Duration shutdownTimeout) {
        this.database = database;
        this.admin = admin;
        this.model = model;
        this.tasks = tasks;
        this.worker = worker;
        this.inference = inference;
        this.predictionLog = predictionLog;
        this.shipper = shipper;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** A failure here fails the start: a replica that cannot migrate or load its model must not serve. */
    void onStart(@Observes StartupEvent event) {
        database.migrate();
        // The administrator's password hash and the model load need nothing of each other: both at once.
        CompletableFuture<Void> administrator = admin.ensureAdministrator();
        model.load();
        try {
            administrator.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the administrator could not be stored: " + e.getCause().getMessage(),
                    e.getCause());
        }
        worker.start();
        shipper.start(worker.workerId());
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        tasks.stopAccepting();
        worker.stopClaiming();
    }

    void onStop(@Observes ShutdownEvent event) {
        long stopping = System.nanoTime();
        tasks.stopAccepting();
        step("stop the task worker", worker::stop);
        step("stop the inference runners", inference::stop);
        step("flush the prediction log", predictionLog::flushOnShutdown);
        step("ship the prediction log", () -> shipper.drain(shutdownTimeout.minusNanos(System.nanoTime() - stopping)));
        step("close the model", model::close);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(String name, Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.errorf("Shutdown interrupted while trying to %s", name);
        } catch (Exception | LinkageError e) {
            LOG.errorf(e, "Shutdown: could not %s; going on with the next step", name);
        }
    }
}
