package dev.modelserving.web;

import dev.modelserving.store.Page;
import jakarta.ws.rs.core.Response;

/** How every listing answers: the page's items as the body, the size of the whole listing in a header. */
public final class PagedResponse {

    public static final String TOTAL_COUNT_HEADER = "X-Total-Count";

    private PagedResponse() {
    }

    /** 200 with the page's items as the body and the size of the whole listing in {@code X-Total-Count}. */
    public static Response of(Page<?> page) {
        return Response.ok(page.items()).header(TOTAL_COUNT_HEADER, page.total()).build();
    }
}
