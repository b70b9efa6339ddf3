package io.flowlens.observability;

import java.util.Objects;

/**
 * A failure that has an HTTP meaning; {@link ProblemExceptionMapper} turns it into an RFC 9457 problem+json answer.
 */
public final class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;

    /**
     * @param status HTTP status of the answer
     * @param type   short problem type slug, appended to {@link Problems#TYPE_BASE}
     * @param title  summary of the problem type
     * @param detail explanation of this occurrence
     * @param cause  underlying failure, may be {@code null}
     */
    public ProblemException(int status, String type, String title, String detail, Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.title = Objects.requireNonNull(title, "title");
    }

    public static ProblemException notFound(String resource, Object id) {
        return new ProblemException(404, "not-found", "Resource not found", resource + " " + id + " does not exist", null);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict with the current state", detail, null);
    }

    public static ProblemException unprocessable(String detail) {
        return new ProblemException(422, "unprocessable", "Request cannot be processed", detail, null);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "validation", "Request validation failed", detail, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }
}
