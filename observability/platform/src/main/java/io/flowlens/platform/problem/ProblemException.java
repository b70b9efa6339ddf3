package io.flowlens.platform.problem;

import io.flowlens.platform.client.RetryableDownstreamException;

import java.util.List;
import java.util.Objects;

import io.flowlens.contracts.problem.Violation;

/**
 * A failure that has an HTTP meaning; {@link ProblemExceptionMapper} turns it into an RFC 9457 problem+json answer.
 * Not final only for {@link RetryableDownstreamException}, the kind a Fault Tolerance retry may try again.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final List<Violation> violations;

    /**
     * @param status HTTP status of the answer
     * @param type   short problem type slug, appended to {@link Problems#TYPE_BASE}
     * @param title  summary of the problem type
     * @param detail explanation of this occurrence
     * @param cause  underlying failure, may be {@code null}
     */
    public ProblemException(int status, String type, String title, String detail, Throwable cause) {
        this(status, type, title, detail, List.of(), cause);
    }

    private ProblemException(int status, String type, String title, String detail, List<Violation> violations,
                             Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.title = Objects.requireNonNull(title, "title");
        this.violations = violations == null ? List.of() : List.copyOf(violations);
    }

    /** A downstream service's 4xx answer, passed on unchanged to our caller (same type, detail and violations). */
    public static ProblemException forwarded(int status, String type, String title, String detail,
                                             List<Violation> violations) {
        return new ProblemException(status, type, title, detail, violations, null);
    }

    public static ProblemException notFound(String resource, Object id) {
        return notFound(resource + " " + id + " does not exist");
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Resource not found", detail, null);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict with the current state", detail, null);
    }

    public static ProblemException unprocessable(String detail) {
        return new ProblemException(422, "unprocessable", "Request cannot be processed", detail, null);
    }

    /** A 400 validation problem about one field of the request, listed in its violations as the contract promises. */
    public static ProblemException invalid(String field, String message) {
        return new ProblemException(400, "validation", "Request validation failed", field + " " + message,
                List.of(new Violation().field(field).message(message)), null);
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

    public List<Violation> violations() {
        return violations;
    }
}
