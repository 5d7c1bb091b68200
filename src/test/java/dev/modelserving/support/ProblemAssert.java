package dev.modelserving.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;

/** Checks that a response is a well-formed RFC 9457 problem document. */
public final class ProblemAssert {

    private ProblemAssert() {
    }

    /** Asserts the status, the problem media type and members, and returns the detail for further checks. */
    public static String assertProblem(Response response, int status, String instance) {
        assertThat(response.statusCode()).as("status of %s", response.asString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(response.jsonPath().getString("type")).startsWith("urn:model-serving:problem:");
        assertThat(response.jsonPath().getString("title")).isNotBlank();
        assertThat(response.jsonPath().getString("instance")).isEqualTo(instance);
        String detail = response.jsonPath().getString("detail");
        assertThat(detail).isNotBlank();
        String body = response.asString();
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(".java");
        return detail;
    }
}
