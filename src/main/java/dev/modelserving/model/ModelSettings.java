package dev.modelserving.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A model's {@code config.json}: every key optional, an unknown key or a value of the wrong type rejected with a reason
 * that names the file and the key. Read as a JSON tree, not bound to classes: nothing for native image to reflect on,
 * and every message is ours.
 *
 * @param labels class names in output order, if the model is a classifier
 * @param image how pictures become its input, if it takes pictures (completed by its input shape when loaded)
 * @param softmax whether classification answers apply softmax to the output (a model that returns logits)
 * @param versionPolicy which of its versions are served
 * @param maxBatchRows rows at most in one run of this model, if not {@code app.model.batching.max-rows}
 */
public record ModelSettings(Optional<List<String>> labels, Optional<Image> image, boolean softmax,
        VersionPolicy versionPolicy, OptionalInt maxBatchRows) {

    /** What a model without {@code config.json} gets: no labels, no pictures, the newest version. */
    public static final ModelSettings NONE = new ModelSettings(Optional.empty(), Optional.empty(), false,
            VersionPolicy.latest(1), OptionalInt.empty());

    private static final Set<String> KEYS = Set.of("labels", "image", "output", "versionPolicy", "maxBatchRows");
    private static final Set<String> IMAGE_KEYS = Set.of("width", "height", "channels", "layout", "resize", "scale",
            "mean", "std", "invert");
    private static final ObjectReader READER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build().readerFor(JsonNode.class);

    /**
     * The {@code image} settings as written; the size and channels left out are taken from the model's input shape when
     * it is loaded ({@link #format}).
     */
    public record Image(OptionalInt width, OptionalInt height, OptionalInt channels, ImageFormat.Layout layout,
            ImageFormat.Resize resize, float scale, Optional<float[]> mean, Optional<float[]> std,
            ImageFormat.Invert invert) {

        /**
         * The complete format for a model whose input (batch dimension excluded) has {@code shape}: a shape of rank 3
         * gives the size and channels the settings leave out, and must agree with those they give; a flat input must
         * have room for exactly one picture.
         */
        public ImageFormat format(List<Long> shape, String file) {
            boolean nchw = layout == ImageFormat.Layout.NCHW;
            OptionalInt fromShapeChannels = OptionalInt.empty();
            OptionalInt fromShapeHeight = OptionalInt.empty();
            OptionalInt fromShapeWidth = OptionalInt.empty();
            if (shape.size() == 3) {
                fromShapeChannels = positive(shape.get(nchw ? 0 : 2));
                fromShapeHeight = positive(shape.get(nchw ? 1 : 0));
                fromShapeWidth = positive(shape.get(nchw ? 2 : 1));
            } else if (shape.size() != 1) {
                throw new InvalidModelException(file + ": 'image' is set but the model's input has shape [N"
                        + shapeText(shape) + "]; a picture fills [N, C, H, W], [N, H, W, C] or [N, values]");
            }
            int w = pick("image.width", width, fromShapeWidth, file);
            int h = pick("image.height", height, fromShapeHeight, file);
            int c = channels.isPresent() || fromShapeChannels.isPresent()
                    ? pick("image.channels", channels, fromShapeChannels, file)
                    : 1;
            if (c != 1 && c != 3) {
                throw new InvalidModelException(
                        file + ": the model's input has " + c + " channels; pictures give 1 or 3");
            }
            float[] meanValues = perChannel("image.mean", mean, 0f, c, file);
            float[] stdValues = perChannel("image.std", std, 1f, c, file);
            ImageFormat format = new ImageFormat(w, h, c, layout, resize, scale, meanValues, stdValues, invert);
            if (shape.size() == 1 && shape.get(0) != format.values()) {
                throw new InvalidModelException(file + ": a " + w + "x" + h + " picture with " + c
                        + " channel(s) is " + format.values() + " values, but the model's input takes " + shape.get(0));
            }
            return format;
        }

        private static int pick(String key, OptionalInt configured, OptionalInt fromShape, String file) {
            if (configured.isPresent() && fromShape.isPresent()
                    && configured.getAsInt() != fromShape.getAsInt()) {
                throw new InvalidModelException(file + ": '" + key + "' is " + configured.getAsInt()
                        + " but the model's input has " + fromShape.getAsInt());
            }
            if (configured.isPresent()) {
                return configured.getAsInt();
            }
            if (fromShape.isPresent()) {
                return fromShape.getAsInt();
            }
            throw new InvalidModelException(
                    file + ": '" + key + "' is needed: the model's input shape does not say it");
        }

        private static float[] perChannel(String key, Optional<float[]> values, float fallback, int channels,
                String file) {
            if (values.isEmpty()) {
                float[] all = new float[channels];
                java.util.Arrays.fill(all, fallback);
                return all;
            }
            if (values.get().length != channels) {
                throw new InvalidModelException(file + ": '" + key + "' has " + values.get().length
                        + " values; the picture has " + channels + " channel(s)");
            }
            return values.get();
        }

        private static OptionalInt positive(Long dim) {
            return dim != null && dim > 0 && dim <= Integer.MAX_VALUE
                    ? OptionalInt.of(dim.intValue())
                    : OptionalInt.empty();
        }
    }

    static String shapeText(List<Long> shape) {
        StringBuilder text = new StringBuilder();
        shape.forEach(dim -> text.append(", ").append(dim));
        return text.toString();
    }

    /** Reads {@code config.json}; {@code file} names it in every reason. */
    public static ModelSettings parse(byte[] json, String file) {
        JsonNode root;
        try {
            root = READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw new InvalidModelException(file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidModelException(file + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidModelException(file + " must hold a JSON object");
        }
        ConfigKeys keys = new ConfigKeys(file);
        keys.only(root, "", KEYS);
        Optional<List<String>> labels = Optional.ofNullable(root.get("labels"))
                .map(node -> keys.strings(node, "labels"));
        Optional<Image> image = Optional.ofNullable(root.get("image")).map(node -> image(node, keys));
        boolean softmax = false;
        JsonNode output = root.get("output");
        if (output != null) {
            keys.only(output, "output", Set.of("softmax"));
            softmax = output.has("softmax") && keys.bool(output.get("softmax"), "output.softmax");
        }
        VersionPolicy policy = Optional.ofNullable(root.get("versionPolicy"))
                .map(node -> versionPolicy(node, keys)).orElse(VersionPolicy.latest(1));
        OptionalInt maxBatchRows = root.has("maxBatchRows")
                ? OptionalInt.of(keys.positiveInt(root.get("maxBatchRows"), "maxBatchRows"))
                : OptionalInt.empty();
        return new ModelSettings(labels, image, softmax, policy, maxBatchRows);
    }

    private static Image image(JsonNode node, ConfigKeys keys) {
        keys.only(node, "image", IMAGE_KEYS);
        OptionalInt channels = keys.optionalPositiveInt(node, "image.channels");
        if (channels.isPresent() && channels.getAsInt() != 1 && channels.getAsInt() != 3) {
            throw keys.wrong("image.channels", "must be 1 (grayscale) or 3 (RGB), it is " + channels.getAsInt());
        }
        ImageFormat.Layout layout = keys.choice(node, "image.layout", ImageFormat.Layout.class,
                ImageFormat.Layout.NCHW);
        ImageFormat.Resize resize = keys.choice(node, "image.resize", ImageFormat.Resize.class,
                ImageFormat.Resize.STRETCH);
        float scale = node.has("scale") ? keys.finite(node.get("scale"), "image.scale") : 1f / 255f;
        Optional<float[]> mean = node.has("mean")
                ? Optional.of(keys.floats(node.get("mean"), "image.mean", false))
                : Optional.empty();
        Optional<float[]> std = node.has("std")
                ? Optional.of(keys.floats(node.get("std"), "image.std", true))
                : Optional.empty();
        ImageFormat.Invert invert = ImageFormat.Invert.NO;
        JsonNode invertNode = node.get("invert");
        if (invertNode != null) {
            if (invertNode.isBoolean()) {
                invert = invertNode.booleanValue() ? ImageFormat.Invert.YES : ImageFormat.Invert.NO;
            } else if (invertNode.isTextual() && invertNode.textValue().equals("auto")) {
                invert = ImageFormat.Invert.AUTO;
            } else {
                throw keys.wrong("image.invert", "must be true, false or \"auto\", it is " + invertNode);
            }
        }
        if (channels.isPresent() && mean.isPresent() && mean.get().length != channels.getAsInt()) {
            throw keys.wrong("image.mean", "has " + mean.get().length + " values for " + channels.getAsInt()
                    + " channel(s)");
        }
        if (channels.isPresent() && std.isPresent() && std.get().length != channels.getAsInt()) {
            throw keys.wrong("image.std", "has " + std.get().length + " values for " + channels.getAsInt()
                    + " channel(s)");
        }
        return new Image(keys.optionalPositiveInt(node, "image.width"), keys.optionalPositiveInt(node, "image.height"),
                channels, layout, resize, scale, mean, std, invert);
    }

    private static VersionPolicy versionPolicy(JsonNode node, ConfigKeys keys) {
        keys.only(node, "versionPolicy", Set.of("latest", "all", "specific"));
        if (node.size() != 1) {
            throw keys.wrong("versionPolicy", "must have exactly one of 'latest', 'all' or 'specific'");
        }
        if (node.has("latest")) {
            return VersionPolicy.latest(keys.positiveInt(node.get("latest"), "versionPolicy.latest"));
        }
        if (node.has("all")) {
            if (!keys.bool(node.get("all"), "versionPolicy.all")) {
                throw keys.wrong("versionPolicy.all", "can only be true; leave it out for the default policy");
            }
            return VersionPolicy.all();
        }
        JsonNode specific = node.get("specific");
        if (!specific.isArray() || specific.isEmpty()) {
            throw keys.wrong("versionPolicy.specific", "must be a non-empty array of versions");
        }
        List<Integer> versions = new ArrayList<>();
        for (int i = 0; i < specific.size(); i++) {
            versions.add(keys.positiveInt(specific.get(i), "versionPolicy.specific[" + i + "]"));
        }
        return VersionPolicy.specific(versions);
    }
}
