package dev.modelserving.model;

import dev.modelserving.problem.ResourceNotFoundException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Loads every model of the repository when the application starts, reloads one when its files change (a hot swap: the
 * new version is loaded and warmed up beside the serving one, then swapped in; the old one is closed after its last
 * request), and closes them all when the application stops. Until the default model is loaded, readiness is DOWN
 * ({@link ModelReadinessCheck}) and predictions answer 503.
 */
@ApplicationScoped
public class ModelLifecycle {

    private static final Logger LOG = Logger.getLogger(ModelLifecycle.class);

    private final ModelConfig config;
    private final ModelsConfig models;
    private final ServedModels served;
    private final MeterRegistry metrics;
    private final Event<RetiredModel> retirements;
    private final ModelLoader loader;
    /** Whether the startup load is done: before it, there is nothing to reload. */
    private volatile boolean loaded;
    /**
     * Closes replaced versions once their last request is done. Off the request's thread: that may be an event loop or
     * one of the very runners being stopped.
     */
    private final ExecutorService closer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "model-closer");
        thread.setDaemon(true);
        return thread;
    });

    public ModelLifecycle(ModelConfig config, ModelsConfig models, ServedModels served, MeterRegistry metrics,
            Event<RetiredModel> retirements) {
        this.config = config;
        this.models = models;
        this.served = served;
        this.metrics = metrics;
        this.retirements = retirements;
        this.loader = new ModelLoader(config);
    }

    /**
     * Loads, checks and warms every model of the repository, each version its policy selects. A model or version that
     * cannot be loaded is UNAVAILABLE with the reason while the others serve; when the default model has no version
     * ready, the start fails, unless {@code app.model.fail-fast=false}.
     */
    public synchronized void load() {
        config.requireNoRemovedKeys();
        ModelRepository repository = repository();
        String name = models.defaultName().orElse(ModelRepository.PREFERRED_DEFAULT);
        try {
            name = repository.defaultModel(models.defaultName());
            served.defaultModel(name);
            // Listed at once as LOADING: a request for a model not loaded yet gets 503 + Retry-After, not 404.
            repository.names().forEach(model -> served.put(ServedModels.Model.loading(model)));
            for (String model : repository.names()) {
                served.put(loadModel(repository, model, null));
            }
            LoadedModel ready = served.current().orElseThrow(() -> new InvalidModelException(served.index().stream()
                    .filter(entry -> entry.name().equals(served.defaultName()))
                    .map(entry -> (entry.version().isEmpty() ? "" : "version " + entry.version() + ": ")
                            + entry.reason())
                    .reduce((a, b) -> a + "; " + b).orElse("it is not in the repository")));
            LOG.infof("Serving %d model(s) from %s; the default is '%s' version %s", repository.names().size(),
                    repository.location(), name, ready.metadata().version());
            loaded = true;
        } catch (RuntimeException e) {
            String reason = "loading failed: " + e.getMessage();
            served.notReady(reason);
            if (config.failFast()) {
                LOG.errorf("Model '%s' could not be loaded: %s. Stopping (app.model.fail-fast=true).", name,
                        e.getMessage());
                throw new IllegalStateException("model '" + name + "' could not be loaded: " + e.getMessage(), e);
            }
            LOG.errorf("Model '%s' could not be loaded; serving with readiness DOWN (app.model.fail-fast=false): %s",
                    name, e.getMessage());
            loaded = true;
        }
    }

    /**
     * Reads the model's files again and swaps in what changed: new versions, versions whose model file or config.json
     * changed, versions no longer there or no longer selected. Unchanged versions keep serving untouched; a version
     * that fails to load leaves the versions serving before in place. A model directory that is gone is unloaded.
     *
     * @return the model's index entries afterwards
     */
    public synchronized List<ServedModels.IndexEntry> reload(String name) {
        ModelRepository repository = repository();
        if (!repository.names().contains(name)) {
            if (served.contains(name) && served.model(name).orElseThrow().state() != ServedModels.State.UNAVAILABLE) {
                unload(name, "its directory was removed from the repository");
            }
            throw new ResourceNotFoundException("There is no model '" + name + "' in the repository "
                    + repository.location());
        }
        ServedModels.Model previous = served.model(name).orElse(null);
        if (previous == null) {
            served.put(ServedModels.Model.loading(name));
        }
        ServedModels.Model next = loadModel(repository, name, previous);
        if (previous != null && previous.newestReady().isPresent()
                && next.versions().stream().noneMatch(v -> v.state() == ServedModels.State.READY)) {
            // Nothing new could be loaded: keep what served, and say why the files on disk are not used.
            List<ServedModels.Version> kept = new ArrayList<>(previous.versions());
            next.versions().stream().filter(v -> kept.stream().noneMatch(k -> k.version() == v.version()))
                    .forEach(kept::add);
            kept.sort((a, b) -> Integer.compare(b.version(), a.version()));
            next = new ServedModels.Model(name, previous.state(),
                    "the repository's files could not be loaded, so what was loaded before serves: " + next.reason()
                            + next.versions().stream().filter(v -> v.state() != ServedModels.State.READY)
                                    .map(v -> "; version " + v.version() + ": " + v.reason())
                                    .reduce("", String::concat),
                    List.copyOf(kept), next.invalidVersions());
        }
        served.put(next);
        retireReplaced(previous, next);
        return served.index().stream().filter(entry -> entry.name().equals(name)).toList();
    }

    /** Stops serving the model: its versions close after their last requests. */
    public synchronized void unload(String name, String why) {
        ServedModels.Model previous = served.model(name).orElseThrow(() -> new ResourceNotFoundException(
                "There is no model '" + name + "' loaded"));
        ServedModels.Model next = new ServedModels.Model(name, ServedModels.State.UNAVAILABLE, "unloaded: " + why,
                List.of(), Map.of());
        served.put(next);
        retireReplaced(previous, next);
        LOG.infof("Model '%s' unloaded: %s", name, why);
    }

    /** Readiness DOWN and every session closed: last in the shutdown, after the runners stopped. */
    public synchronized void close() {
        loaded = false;
        served.notReady("the service is shutting down");
        List<LoadedModel> all = served.all();
        served.clear();
        closer.shutdown();
        for (LoadedModel model : all) {
            model.session().close();
            LOG.infof("Model %s closed", model.id());
        }
    }

    /** Whether the startup load is done (reloads before it would race it). */
    boolean loaded() {
        return loaded;
    }

    /** Fingerprints of the repository's model directories, for {@link RepositoryPoller}: empty for the bundled one. */
    Map<String, String> fingerprints() {
        return repository().fingerprints();
    }

    private ModelRepository repository() {
        return ModelRepository.open(models.repository());
    }

    /** The versions of {@code previous} that {@code next} does not serve any more: closed after their last request. */
    private void retireReplaced(ServedModels.Model previous, ServedModels.Model next) {
        if (previous == null) {
            return;
        }
        for (ServedModels.Version old : previous.versions()) {
            if (old.model() != null && next.versions().stream().noneMatch(v -> v.model() == old.model())) {
                LoadedModel model = old.model();
                LOG.infof("Model %s is replaced; its session closes after its last request (%d in flight)",
                        model.id(), model.usage().inFlight());
                model.usage().retire(() -> closeLater(model));
            }
        }
    }

    private void closeLater(LoadedModel model) {
        try {
            closer.execute(() -> closeRetired(model));
        } catch (RejectedExecutionException shuttingDown) {
            // The application is stopping and the runners are stopped already: close it here.
            closeRetired(model);
        }
    }

    private void closeRetired(LoadedModel model) {
        try {
            // The runners first (they are idle: nobody holds the version), then the session they used.
            retirements.fire(new RetiredModel(model));
            model.session().close();
            metrics.counter("model.sessions.closed", "model", model.metadata().name()).increment();
            LOG.infof("Model %s closed after its last request", model.id());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Closing model %s failed", model.id());
        }
    }

    /**
     * The model's versions, each loaded or UNAVAILABLE with its reason; the model UNAVAILABLE when none can be. A
     * version of {@code previous} whose model file and config.json are unchanged is kept as it is, session and all.
     */
    private ServedModels.Model loadModel(ModelRepository repository, String name, ServedModels.Model previous) {
        try {
            if (!ModelRepository.NAME.matcher(name).matches()) {
                throw new InvalidModelException(repository.location() + "/" + name + ": '" + name
                        + "' is not a model name: use 1 to 64 of A-Z a-z 0-9 _ . -");
            }
            ModelSettings settings = repository.settings(name);
            ModelRepository.Versions present = repository.versions(name);
            present.invalid().values().forEach(reason -> LOG.errorf("Model '%s': %s", name, reason));
            List<Integer> selected = settings.versionPolicy().select(present.valid());
            if (selected.isEmpty()) {
                throw new InvalidModelException(repository.location() + "/" + name + "/" + ModelRepository.CONFIG
                        + ": 'versionPolicy' selects none of the versions " + present.valid());
            }
            Map<Integer, LoadedModel> serving = new HashMap<>();
            if (previous != null) {
                previous.versions().stream().filter(v -> v.model() != null)
                        .forEach(v -> serving.put(v.version(), v.model()));
            }
            String configSha256 = repository.configSha256(name);
            List<ServedModels.Version> versions = new ArrayList<>();
            for (int version : selected) {
                LoadedModel current = serving.get(version);
                if (current != null && current.configSha256().equals(configSha256)
                        && current.metadata().sha256().equals(repository.model(name, version).sha256())) {
                    versions.add(ServedModels.Version.ready(current));
                    continue;
                }
                registerLoadedGauge(name, version);
                try {
                    LoadedModel model = loader.load(repository, name, settings, version);
                    versions.add(ServedModels.Version.ready(model));
                    ModelMetadata meta = model.metadata();
                    LOG.infof("Model '%s' version %s loaded from %s in %d ms (sha256 %s, %d labels)", meta.name(),
                            meta.version(), meta.source(), meta.loadMillis(), meta.sha256(), meta.labels().size());
                } catch (RuntimeException e) {
                    versions.add(new ServedModels.Version(version, ServedModels.State.UNAVAILABLE, e.getMessage(),
                            null));
                    LOG.errorf("Model '%s' version %d is unavailable: %s", name, version, e.getMessage());
                }
            }
            boolean any = versions.stream().anyMatch(v -> v.state() == ServedModels.State.READY);
            return new ServedModels.Model(name, any ? ServedModels.State.READY : ServedModels.State.UNAVAILABLE,
                    any ? "" : "no version could be loaded", List.copyOf(versions), present.invalid());
        } catch (RuntimeException e) {
            LOG.errorf("Model '%s' is unavailable: %s", name, e.getMessage());
            return new ServedModels.Model(name, ServedModels.State.UNAVAILABLE, e.getMessage(), List.of(),
                    Map.of());
        }
    }

    /** {@code model_loaded{model, version}}: 1 while the version serves. Registering it again is a no-op. */
    private void registerLoadedGauge(String name, int version) {
        Gauge.builder("model.loaded", served, s -> s.isReady(name, version) ? 1 : 0)
                .description("1 while the model version serves, 0 otherwise")
                .tags("model", name, "version", String.valueOf(version)).register(metrics);
    }
}
