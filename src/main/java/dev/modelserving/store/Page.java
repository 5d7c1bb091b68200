package dev.modelserving.store;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a listing and the size of the whole listing, as the stores return it ({@code web.PagedResponse} renders
 * it for HTTP).
 *
 * @param items the items of this page, in listing order
 * @param total how many items the whole listing has
 */
public record Page<T>(List<T> items, long total) {

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), total);
    }

    /** The slice {@code [page*size, page*size+size)} of an already ordered list. */
    public static <T> Page<T> slice(List<T> ordered, int page, int size) {
        long from = (long) page * size;
        if (from >= ordered.size()) {
            return new Page<>(List.of(), ordered.size());
        }
        int to = (int) Math.min(ordered.size(), from + size);
        return new Page<>(List.copyOf(ordered.subList((int) from, to)), ordered.size());
    }
}
