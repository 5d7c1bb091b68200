package dev.modelserving.problem;

/** The kinds of problem this service reports, each with its HTTP status and stable title. */
public enum ProblemType {
    BAD_REQUEST(400, "Bad Request", "bad-request"),
    UNAUTHORIZED(401, "Unauthorized", "unauthorized"),
    FORBIDDEN(403, "Forbidden", "forbidden"),
    NOT_FOUND(404, "Not Found", "not-found"),
    METHOD_NOT_ALLOWED(405, "Method Not Allowed", "method-not-allowed"),
    NOT_ACCEPTABLE(406, "Not Acceptable", "not-acceptable"),
    CONFLICT(409, "Conflict", "conflict"),
    PAYLOAD_TOO_LARGE(413, "Content Too Large", "payload-too-large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported Media Type", "unsupported-media-type"),
    VALIDATION_FAILED(422, "Unprocessable Content", "validation-failed"),
    TOO_MANY_REQUESTS(429, "Too Many Requests", "too-many-requests"),
    INTERNAL_ERROR(500, "Internal Server Error", "internal-error"),
    SERVICE_UNAVAILABLE(503, "Service Unavailable", "service-unavailable"),
    /** The caller's own deadline for the request passed before it could be run (gRPC's DEADLINE_EXCEEDED). */
    DEADLINE_EXCEEDED(504, "Deadline Exceeded", "deadline-exceeded");

    private static final String PREFIX = "urn:model-serving:problem:";

    private final int status;
    private final String title;
    private final String uri;

    ProblemType(int status, String title, String slug) {
        this.status = status;
        this.title = title;
        this.uri = PREFIX + slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return uri;
    }

    /** The type for an HTTP status the framework produced; statuses without a type of their own fall back. */
    public static ProblemType forStatus(int status) {
        for (ProblemType type : values()) {
            if (type.status == status) {
                return type;
            }
        }
        return status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
    }
}
