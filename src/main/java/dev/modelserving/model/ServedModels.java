package dev.modelserving.model;

import dev.modelserving.problem.ResourceNotFoundException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The models of the repository and the state of each of their versions, as {@link ModelLifecycle} loaded them; requests
 * find theirs here. Without a version a request gets the newest version that is ready.
 */
@ApplicationScoped
public class ServedModels {

    /** A version's state, as the Open Inference Protocol's repository extension names them. */
    public enum State {
        READY,
        LOADING,
        UNAVAILABLE
    }

    /** One version: its state, why it is not ready if it is not, and the model once it is. */
    public record Version(int version, State state, String reason, LoadedModel model) {

        static Version ready(LoadedModel model) {
            return new Version(Integer.parseInt(model.metadata().version()), State.READY, "", model);
        }
    }

    /**
     * One model of the repository: its versions newest first, or why none can be served (an invalid config.json or
     * name) with an empty list, and the directories that are not versions with the reason.
     */
    public record Model(String name, State state, String reason, List<Version> versions,
            Map<String, String> invalidVersions) {

        /** A model found in the repository and being loaded. */
        static Model loading(String name) {
            return new Model(name, State.LOADING, "it is being loaded", List.of(), Map.of());
        }

        /** The newest ready version, if any. */
        public Optional<LoadedModel> newestReady() {
            return versions.stream().filter(v -> v.state() == State.READY).map(Version::model).findFirst();
        }
    }

    /** A line of the repository index ({@code GET /models}, {@code POST /v2/repository/index}). */
    @RegisterForReflection
    @Schema(name = "RepositoryEntry")
    public record IndexEntry(@Schema(example = "fashion-mnist") String name, @Schema(example = "1") String version,
            @Schema(example = "READY") String state, @Schema(example = "") String reason) {
    }

    private final Map<String, Model> models = new ConcurrentHashMap<>();
    private volatile String defaultName = ModelRepository.PREFERRED_DEFAULT;
    private volatile String notReadyReason = "the model is being loaded";

    boolean contains(String name) {
        return models.containsKey(name);
    }

    Optional<Model> model(String name) {
        return Optional.ofNullable(models.get(name));
    }

    void put(Model model) {
        models.put(model.name(), model);
    }

    void defaultModel(String name) {
        this.defaultName = name;
    }

    void notReady(String reason) {
        this.notReadyReason = reason;
    }

    /** Every version: closed in the shutdown after the runners stopped. */
    List<LoadedModel> all() {
        return models.values().stream().flatMap(m -> m.versions().stream()).filter(v -> v.model() != null)
                .map(Version::model).toList();
    }

    void clear() {
        models.clear();
    }

    public String defaultName() {
        return defaultName;
    }

    /** The default model's newest ready version, if there is one. */
    public Optional<LoadedModel> current() {
        Model model = models.get(defaultName);
        return model == null ? Optional.empty() : model.newestReady();
    }

    /** The default model's newest ready version; a 503 problem while there is none. */
    public LoadedModel require() {
        return current().orElseThrow(() -> new ModelNotReadyException(notReadyReason));
    }

    /**
     * The named model (the default one when {@code name} is null), in {@code version} or its newest ready version when
     * that is null: a 404 problem naming a model or version there is not, a 503 while it is loading or cannot be
     * served.
     */
    public LoadedModel require(String name, String version) {
        if (name == null) {
            if (version == null) {
                return require();
            }
            name = defaultName;
        }
        Model model = models.get(name);
        if (model == null) {
            throw new ResourceNotFoundException("Model '" + name + "' not found; this server serves "
                    + String.join(", ", models.keySet().stream().sorted().toList()));
        }
        if (model.state() != State.READY && model.versions().isEmpty()) {
            throw new ModelNotReadyException("model '" + name + "' is " + model.state() + ": " + model.reason());
        }
        if (version == null) {
            String modelName = name;
            return model.newestReady().orElseThrow(() -> new ModelNotReadyException("model '" + modelName
                    + "' has no version ready: " + model.versions().stream()
                            .map(v -> v.version() + " " + v.state() + " (" + v.reason() + ")")
                            .collect(Collectors.joining("; "))));
        }
        for (Version candidate : model.versions()) {
            if (String.valueOf(candidate.version()).equals(version)) {
                if (candidate.state() != State.READY) {
                    throw new ModelNotReadyException("model '" + name + "' version " + version + " is "
                            + candidate.state() + ": " + candidate.reason());
                }
                return candidate.model();
            }
        }
        throw new ResourceNotFoundException("Model '" + name + "' has no version '" + version + "'; it serves "
                + model.versions().stream().map(v -> String.valueOf(v.version())).collect(Collectors.joining(", ")));
    }

    /** Whether that version of the model is serving now ({@code model_loaded}). */
    public boolean isReady(String name, int version) {
        Model model = models.get(name);
        return model != null && model.versions().stream()
                .anyMatch(v -> v.version() == version && v.state() == State.READY);
    }

    /**
     * Holds the named model's version (as {@link #require(String, String)} finds it) for one request: a hot swap that
     * replaces it meanwhile closes its session only after the lease is closed. A version retired between the look-up
     * and the hold is looked up again, which finds the version that replaced it.
     */
    public ModelLease lease(String name, String version) {
        // The registry is updated before a version is retired, so a second look finds its successor; the bound only
        // guards against a registry that still lists a retired version, which would be a bug.
        for (int attempt = 0; attempt < 1000; attempt++) {
            LoadedModel model = require(name, version);
            if (model.usage().tryAcquire()) {
                return new ModelLease(model);
            }
            Thread.onSpinWait();
        }
        throw new ModelNotReadyException("model '" + name + "' is being replaced; retry");
    }

    /** The ready versions of the named model, newest first; a 404 problem when there is no such model. */
    public List<LoadedModel> readyVersions(String name) {
        Model model = models.get(name);
        if (model == null) {
            throw new ResourceNotFoundException("Model '" + name + "' not found; this server serves "
                    + String.join(", ", models.keySet().stream().sorted().toList()));
        }
        return model.versions().stream().filter(v -> v.state() == State.READY).map(Version::model).toList();
    }

    /** Every model and version with its state, by name then newest version first. */
    public List<IndexEntry> index() {
        List<IndexEntry> entries = new ArrayList<>();
        models.values().stream().sorted(Comparator.comparing(Model::name)).forEach(model -> {
            // A model-level line: why nothing of it serves, or, while earlier versions serve, why its files on disk
            // are not used.
            if (model.versions().isEmpty()) {
                entries.add(new IndexEntry(model.name(), "", model.state().name(), model.reason()));
            } else if (model.state() == State.READY && !model.reason().isEmpty()) {
                entries.add(new IndexEntry(model.name(), "", State.UNAVAILABLE.name(), model.reason()));
            }
            for (Version version : model.versions()) {
                entries.add(new IndexEntry(model.name(), String.valueOf(version.version()), version.state().name(),
                        version.reason()));
            }
            model.invalidVersions().forEach((dir, reason) -> entries.add(new IndexEntry(model.name(), dir,
                    State.UNAVAILABLE.name(), reason)));
        });
        return entries;
    }

    public String notReadyReason() {
        return notReadyReason;
    }
}
