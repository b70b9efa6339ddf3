package io.flowlens.analytics;

/**
 * Input the analytics core cannot act on (a bad duration, index prefix, query text or rules file): the caller's to
 * fix, so the CLI answers it with exit status 2 and a web front end with a 400, never as a failure of the backends.
 */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
