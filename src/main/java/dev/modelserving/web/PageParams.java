package dev.modelserving.web;

import dev.modelserving.problem.QueryParameters;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The {@code ?page=&size=} query parameters every listing accepts; out of range -> 400. */
public class PageParams implements QueryParameters {

    @QueryParam("page")
    @DefaultValue("0")
    @Min(value = 0, message = "must be 0 or more")
    @Parameter(description = "Zero-based page number", example = "0")
    int page;

    @QueryParam("size")
    @DefaultValue("50")
    @Min(value = 1, message = "must be between 1 and 200")
    @Max(value = 200, message = "must be between 1 and 200")
    @Parameter(description = "Items per page, 1 to 200", example = "50")
    int size;

    public int page() {
        return page;
    }

    public int size() {
        return size;
    }
}
