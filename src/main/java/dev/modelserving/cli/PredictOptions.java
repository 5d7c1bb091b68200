package dev.modelserving.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code predict [--model NAME] [--repository DIR] [--] FILE...}: the options become the configuration keys they stand
 * for ({@code app.models.default}, {@code app.models.repository}) before Quarkus starts; the rest are files.
 *
 * @param settings configuration keys and their values
 * @param files the pictures to classify, in order
 */
public record PredictOptions(Map<String, String> settings, List<String> files) {

    private static final Map<String, String> KEYS = Map.of("--model", "app.models.default", "--repository",
            "app.models.repository");

    /**
     * Reads the arguments after {@code predict}.
     *
     * @throws IllegalArgumentException with a message for the user when they make no sense
     */
    public static PredictOptions parse(List<String> args) {
        Map<String, String> settings = new TreeMap<>();
        List<String> files = new ArrayList<>();
        boolean options = true;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (options && arg.equals("--")) {
                options = false;
                continue;
            }
            if (options && arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                String key = KEYS.get(name);
                if (key == null) {
                    throw new IllegalArgumentException("predict has no option " + name);
                }
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                if (value.isBlank()) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                settings.put(key, value);
                continue;
            }
            files.add(arg);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("predict needs at least one FILE");
        }
        return new PredictOptions(Map.copyOf(settings), List.copyOf(files));
    }
}
