package dev.modelserving.model;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * With {@code app.models.poll-interval} set, looks at the repository directory that often and reloads each model whose
 * files changed (a new version directory, a changed model.onnx or config.json, a removed version or model): the swap
 * happens beside the serving versions, as {@link ModelLifecycle#reload} does it. Reading sizes and times only, so a
 * poll costs a directory listing; the reload itself compares checksums, so a touched but unchanged file swaps nothing.
 */
@ApplicationScoped
public class RepositoryPoller {

    private static final Logger LOG = Logger.getLogger(RepositoryPoller.class);

    private final ModelLifecycle lifecycle;
    /** The fingerprints of the last poll; the first poll compares with none and so reloads everything once. */
    private Map<String, String> seen = Map.of();

    public RepositoryPoller(ModelLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    // Off unless configured; never two polls at once (a reload may take as long as loading a model does).
    @Scheduled(every = "${app.models.poll-interval:off}", identity = "model-repository-poll",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        if (!lifecycle.loaded()) {
            return;
        }
        Map<String, String> now = lifecycle.fingerprints();
        Set<String> names = new TreeSet<>(now.keySet());
        names.addAll(seen.keySet());
        for (String name : names) {
            if (!Objects.equals(now.get(name), seen.get(name))) {
                try {
                    lifecycle.reload(name);
                } catch (RuntimeException e) {
                    LOG.infof("Model '%s' changed in the repository: %s", name, e.getMessage());
                }
            }
        }
        seen = now;
    }
}
