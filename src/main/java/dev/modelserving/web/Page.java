package dev.modelserving.web;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a listing and the size of the whole listing.
 *
 * @param items the items of this page, in listing order
 * @param total how many items the whole listing has
 */
public record Page<T>(List<T> items, long total) {

    /** 200 with the page's items as the body and the size of the whole listing in {@code X-Total-Count}. */
    public Response toResponse() {
        return Response.ok(items).header(PageParams.TOTAL_COUNT_HEADER, total).build();
    }

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
