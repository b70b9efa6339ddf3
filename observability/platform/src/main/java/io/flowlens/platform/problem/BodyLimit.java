package io.flowlens.platform.problem;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request body larger than {@code flowlens.http.max-body-bytes} (64 KiB; the largest body the contracts
 * allow is under 1 KB) with a 413 problem, before it is held in memory. Helidon 4.1.6 sets no limit of its own
 * ({@code max-payload-size} -1), and both the JSON binding and the idempotency filter read a body whole: a 200 MB
 * {@code POST /users} ran users out of its 96 MB heap, a 500 for it and an {@code OutOfMemoryError} for whatever else
 * the service did at that moment. A declared {@code Content-Length} over the limit is refused before anything is read;
 * a chunked body when the limit is passed. Runs after the telemetry filter, so the problem is on the request's span,
 * and before idempotency (USER + 100), so a refused request claims no key.
 */
@Provider
@ApplicationScoped
@Priority(Priorities.USER + 40)
public class BodyLimit implements ContainerRequestFilter, ReaderInterceptor {

    private final long maxBytes;

    @Inject
    public BodyLimit(@ConfigProperty(name = "flowlens.http.max-body-bytes", defaultValue = "65536") long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalStateException("flowlens.http.max-body-bytes must be positive, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        long length = request.getLength();
        if (length > maxBytes) {
            throw tooLarge(String.valueOf(length));
        }
        // with a declared length the server delivers no more than it; HTTP/1.1 (all the services speak) sends a body of
        // undeclared length chunked, and a request with neither header has none (RFC 9112, 6.3): only that is counted
        if (length < 0 && request.getHeaderString("Transfer-Encoding") != null) {
            request.setEntityStream(new Limited(request.getEntityStream()));
        }
    }

    /** The JSON binding may wrap the stream's refusal in its own exception; the answer is still a 413. */
    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        try {
            return context.proceed();
        } catch (RuntimeException | IOException e) {
            if (context.getInputStream() instanceof Limited limited && limited.exceeded) {
                throw tooLarge("more than " + maxBytes);
            }
            throw e;
        }
    }

    private ProblemException tooLarge(String size) {
        return new ProblemException(413, "content-too-large", "Content Too Large",
                "the request body has " + size + " bytes; at most " + maxBytes + " are accepted", null);
    }

    /** Counts what is read, and refuses to read past the limit. Marks are not supported, so the count stays true. */
    private final class Limited extends FilterInputStream {

        private long read;
        private boolean exceeded;

        Limited(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > maxBytes) {
                exceeded = true;
                throw tooLarge("more than " + maxBytes);
            }
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void mark(int limit) {
            // not supported: a reset would make the count wrong
        }

        @Override
        public void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }
    }
}
