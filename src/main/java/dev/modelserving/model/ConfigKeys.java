package dev.modelserving.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/** Reads typed values off a config.json tree, with reasons that name the file and the key ({@code 'image.width'}). */
record ConfigKeys(String file) {

    InvalidModelException wrong(String key, String why) {
        return new InvalidModelException(file + ": '" + key + "' " + why);
    }

    void only(JsonNode node, String path, Set<String> allowed) {
        if (!node.isObject()) {
            throw wrong(path, "must be an object, it is " + kind(node));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            String key = it.next().getKey();
            if (!allowed.contains(key)) {
                String full = path.isEmpty() ? key : path + "." + key;
                throw new InvalidModelException(file + ": unknown key '" + full + "'; known here: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    List<String> strings(JsonNode node, String key) {
        if (!node.isArray()) {
            throw wrong(key, "must be an array of strings, it is " + kind(node));
        }
        List<String> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw wrong(key + "[" + i + "]", "must be a string, it is " + kind(node.get(i)));
            }
            values.add(node.get(i).textValue());
        }
        return List.copyOf(values);
    }

    boolean bool(JsonNode node, String key) {
        if (!node.isBoolean()) {
            throw wrong(key, "must be true or false, it is " + kind(node));
        }
        return node.booleanValue();
    }

    int positiveInt(JsonNode node, String key) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
            throw wrong(key, "must be a whole number of 1 or more, it is " + node);
        }
        return node.intValue();
    }

    OptionalInt optionalPositiveInt(JsonNode parent, String key) {
        JsonNode node = parent.get(key.substring(key.lastIndexOf('.') + 1));
        return node == null ? OptionalInt.empty() : OptionalInt.of(positiveInt(node, key));
    }

    float finite(JsonNode node, String key) {
        if (!node.isNumber() || !Float.isFinite(node.floatValue())) {
            throw wrong(key, "must be a number, it is " + kind(node));
        }
        return node.floatValue();
    }

    float[] floats(JsonNode node, String key, boolean nonZero) {
        if (!node.isArray() || node.isEmpty()) {
            throw wrong(key, "must be a non-empty array of numbers, it is " + kind(node));
        }
        float[] values = new float[node.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = finite(node.get(i), key + "[" + i + "]");
            if (nonZero && values[i] == 0f) {
                throw wrong(key + "[" + i + "]", "must not be 0: values are divided by it");
            }
        }
        return values;
    }

    <E extends Enum<E> & ImageFormat.Written> E choice(JsonNode parent, String key, Class<E> type, E fallback) {
        JsonNode node = parent.get(key.substring(key.lastIndexOf('.') + 1));
        if (node == null) {
            return fallback;
        }
        List<String> names = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            String written = value.written();
            names.add(written);
            if (node.isTextual() && node.textValue().equals(written)) {
                return value;
            }
        }
        throw wrong(key, "must be one of " + String.join(", ", names) + ", it is " + node);
    }

    private static String kind(JsonNode node) {
        return node.isNull() ? "null" : node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + node;
    }
}
