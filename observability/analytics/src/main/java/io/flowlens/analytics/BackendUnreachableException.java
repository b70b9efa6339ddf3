package io.flowlens.analytics;

import java.io.IOException;

/**
 * Elasticsearch could not be reached at all (connection refused, unknown host), as opposed to answering with an
 * error; the message names the endpoint, so a user sees which setting to fix.
 */
public final class BackendUnreachableException extends IOException {

    public BackendUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
