package dev.modelserving.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;

/**
 * Which of a model's versions are served, as Triton's version policy: the newest {@code n}, all of them, or the ones
 * listed.
 */
public record VersionPolicy(Kind kind, int latest, List<Integer> specific) {

    public enum Kind {
        LATEST,
        ALL,
        SPECIFIC
    }

    public static VersionPolicy latest(int n) {
        return new VersionPolicy(Kind.LATEST, n, List.of());
    }

    public static VersionPolicy all() {
        return new VersionPolicy(Kind.ALL, 0, List.of());
    }

    public static VersionPolicy specific(List<Integer> versions) {
        return new VersionPolicy(Kind.SPECIFIC, 0, List.copyOf(versions));
    }

    /** The versions to serve among those present, newest first. */
    public List<Integer> select(SortedSet<Integer> present) {
        List<Integer> newestFirst = new ArrayList<>(present);
        Collections.reverse(newestFirst);
        return switch (kind) {
            case LATEST -> newestFirst.subList(0, Math.min(latest, newestFirst.size()));
            case ALL -> newestFirst;
            case SPECIFIC -> newestFirst.stream().filter(specific::contains).toList();
        };
    }
}
