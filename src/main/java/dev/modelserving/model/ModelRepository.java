package dev.modelserving.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The files of a model repository, laid out as Triton's: {@code <name>/config.json} and
 * {@code <name>/<version>/model.onnx}, with an optional {@code model.sha256} beside a model file that pins its content.
 * Either a directory or the repository bundled on the classpath, which cannot be listed (a native image has no
 * directories) and so is named here.
 */
public final class ModelRepository {

    /** The model a repository's requests go to when nothing names another and it has more than one. */
    static final String PREFERRED_DEFAULT = "fashion-mnist";
    /** Model names as Triton and URLs allow them. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    static final String CONFIG = "config.json";
    static final String MODEL = "model.onnx";
    static final String CHECKSUM = "model.sha256";
    private static final String BUNDLED_ROOT = "models/";
    /** The bundled repository's models and their versions. */
    private static final Map<String, List<Integer>> BUNDLED = Map.of("fashion-mnist", List.of(1));

    /** A model file's bytes, where they came from, and their checksum (checked against {@code model.sha256}). */
    public record ModelFile(String location, byte[] bytes, String sha256) {
    }

    private final Optional<Path> root;

    private ModelRepository(Optional<Path> root) {
        this.root = root;
    }

    /** The repository in {@code directory}, or the bundled one when it is empty. */
    public static ModelRepository open(Optional<String> directory) {
        return new ModelRepository(directory.map(dir -> Path.of(dir).toAbsolutePath().normalize()));
    }

    public String location() {
        return root.map(Path::toString).orElse("classpath:" + BUNDLED_ROOT);
    }

    /** The repository's model directories, sorted; a missing or unreadable directory is an error naming it. */
    public List<String> names() {
        if (root.isEmpty()) {
            return BUNDLED.keySet().stream().sorted().toList();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.get(), Files::isDirectory)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        } catch (IOException e) {
            throw new InvalidModelException("the model repository " + root.get() + " cannot be read: " + e, e);
        }
        names.sort(null);
        return names;
    }

    /**
     * What each model directory looks like on disk without reading the files: names, sizes and modification times of
     * its config.json and version files. A poll compares it with the last one and reloads the models that differ; the
     * bundled repository never changes and has none.
     */
    public Map<String, String> fingerprints() {
        Map<String, String> fingerprints = new TreeMap<>();
        if (root.isEmpty()) {
            return fingerprints;
        }
        for (String name : names()) {
            StringBuilder print = new StringBuilder();
            try (var files = Files.walk(root.get().resolve(name), 2)) {
                files.sorted().forEach(file -> {
                    try {
                        print.append(root.get().relativize(file)).append(' ').append(Files.size(file)).append(' ')
                                .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
                    } catch (IOException e) {
                        print.append(file).append(" unreadable\n");
                    }
                });
            } catch (IOException | java.io.UncheckedIOException e) {
                print.append("unreadable: ").append(e.getMessage());
            }
            fingerprints.put(name, print.toString());
        }
        return fingerprints;
    }

    /** The checksum of the model's {@code config.json}, empty when it has none: a changed config reloads the model. */
    public String configSha256(String name) {
        return read(name + "/" + CONFIG).map(ModelRepository::sha256).orElse("");
    }

    /**
     * The model requests go to when they name none: the configured one (which must be here), else
     * {@value #PREFERRED_DEFAULT}, else the repository's only model.
     */
    public String defaultModel(Optional<String> configured) {
        List<String> names = names();
        if (configured.isPresent()) {
            if (!names.contains(configured.get())) {
                throw new InvalidModelException("app.models.default names '" + configured.get()
                        + "', which is not in the repository " + location() + " (it has " + names + ")");
            }
            return configured.get();
        }
        if (names.contains(PREFERRED_DEFAULT) || names.isEmpty()) {
            return PREFERRED_DEFAULT;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        throw new InvalidModelException("the repository " + location() + " has " + names.size() + " models " + names
                + "; set app.models.default to the one requests use when they name none");
    }

    /** The model's {@code config.json}, or {@link ModelSettings#NONE} when it has none. */
    public ModelSettings settings(String name) {
        String file = describe(name, CONFIG);
        Optional<byte[]> bytes = read(name + "/" + CONFIG);
        return bytes.map(json -> ModelSettings.parse(json, file)).orElse(ModelSettings.NONE);
    }

    /**
     * A model's version directories: the positive whole numbers, and why each other directory is not one (so that a
     * version misnamed {@code v2} is reported, not silently never served).
     */
    public record Versions(SortedSet<Integer> valid, Map<String, String> invalid) {
    }

    /** The model's version directories; none at all is an error naming the directory. */
    public Versions versions(String name) {
        if (root.isEmpty()) {
            return new Versions(new TreeSet<>(BUNDLED.getOrDefault(name, List.of())), Map.of());
        }
        SortedSet<Integer> versions = new TreeSet<>();
        Map<String, String> invalid = new TreeMap<>();
        Path dir = root.get().resolve(name);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path entry : entries) {
                String version = entry.getFileName().toString();
                if (version.matches("[1-9][0-9]{0,8}")) {
                    versions.add(Integer.parseInt(version));
                } else {
                    invalid.put(version, entry + " is not a version directory: versions are positive whole numbers, "
                            + "as 1, 2, 3");
                }
            }
        } catch (IOException e) {
            throw new InvalidModelException(dir + " cannot be read: " + e, e);
        }
        if (versions.isEmpty()) {
            throw new InvalidModelException(dir + " has no version directory (" + dir + "/1/" + MODEL + ")"
                    + (invalid.isEmpty() ? "" : "; " + String.join("; ", invalid.values())));
        }
        return new Versions(versions, Map.copyOf(invalid));
    }

    /** The version's model file, checked against its {@code model.sha256} when there is one. */
    public ModelFile model(String name, int version) {
        String path = name + "/" + version + "/" + MODEL;
        byte[] bytes = read(path).orElseThrow(() -> new InvalidModelException(describe(name, version + "/" + MODEL)
                + " is missing"));
        String sha256 = sha256(bytes);
        Optional<byte[]> pinned = read(name + "/" + version + "/" + CHECKSUM);
        if (pinned.isPresent()) {
            String expected = new String(pinned.get(), StandardCharsets.US_ASCII).strip().split("\\s+")[0];
            if (!expected.equalsIgnoreCase(sha256)) {
                throw new InvalidModelException("sha256 of " + describe(name, version + "/" + MODEL) + " is " + sha256
                        + ", but " + CHECKSUM + " beside it says " + expected);
            }
        }
        return new ModelFile(describe(name, version + "/" + MODEL), bytes, sha256);
    }

    private String describe(String name, String file) {
        return root.map(dir -> dir.resolve(name).resolve(file).toString())
                .orElse("classpath:" + BUNDLED_ROOT + name + "/" + file);
    }

    private Optional<byte[]> read(String relative) {
        try {
            if (root.isPresent()) {
                return Optional.of(Files.readAllBytes(root.get().resolve(relative)));
            }
            try (InputStream in = Thread.currentThread().getContextClassLoader()
                    .getResourceAsStream(BUNDLED_ROOT + relative)) {
                return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new InvalidModelException(location() + "/" + relative + " cannot be read: " + e, e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
