package dev.modelserving.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bytes of the model and its labels, read from the configured files or from the bundled classpath copy, with the
 * model's sha256 checked.
 *
 * @param location where the model came from, for logs and metadata
 */
record ModelSource(String location, byte[] model, String labelsJson, String sha256) {

    static ModelSource load(ModelConfig config) throws IOException {
        if (config.path().isPresent()) {
            Path model = Path.of(config.path().get());
            Path labels = config.labelsPath().map(Path::of).orElseThrow(() -> new IOException(
                    "app.model.labels-path is required with app.model.path"));
            byte[] bytes = Files.readAllBytes(model);
            String sha = sha256(bytes);
            checkSha(sha, config.sha256(), model.toString());
            return new ModelSource(model.toAbsolutePath().toString(), bytes,
                    Files.readString(labels, StandardCharsets.UTF_8), sha);
        }
        byte[] bytes = classpath(ModelConfig.BUNDLED + "model.onnx");
        String sha = sha256(bytes);
        String shipped = new String(classpath(ModelConfig.BUNDLED + "model.sha256"), StandardCharsets.US_ASCII);
        checkSha(sha, Optional.of(shipped.strip().split("\\s+")[0]), "the bundled model");
        checkSha(sha, config.sha256(), "the bundled model");
        return new ModelSource("classpath:" + ModelConfig.BUNDLED + "model.onnx", bytes,
                new String(classpath(ModelConfig.BUNDLED + "labels.json"), StandardCharsets.UTF_8), sha);
    }

    private static byte[] classpath(String name) throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " is missing from the classpath");
            }
            return in.readAllBytes();
        }
    }

    private static void checkSha(String actual, Optional<String> expected, String what) throws IOException {
        if (expected.isPresent() && !expected.get().equalsIgnoreCase(actual)) {
            throw new IOException("sha256 of " + what + " is " + actual + ", expected " + expected.get());
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
