package io.flowlens.analytics;

/** A command line (or rules file) the CLI cannot act on; {@link FlowlensCli} answers it with exit status 2. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
