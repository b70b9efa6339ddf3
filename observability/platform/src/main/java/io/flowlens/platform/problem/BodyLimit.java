package io.flowlens.platform.problem;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.flowlens.servercheck.RequestFraming;
import io.helidon.common.buffers.DataReader;
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
 * and before idempotency (USER + 100), so a refused request claims no key. A body that cannot be read as its request
 * frames it (a malformed chunk, a client gone before its declared length arrived) is a 400 {@code malformed-body}
 * here too; a request whose framing is unknown from its head alone server-check's {@code RequestFraming} refuses first.
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
        boolean chunked = length < 0 && request.getHeaderString("Transfer-Encoding") != null;
        if (length > 0 || chunked) {
            request.setEntityStream(new Guarded(request.getEntityStream(), chunked));
        }
    }

    /** The JSON binding may wrap the stream's refusal in its own exception; the answer is still the refusal. */
    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        try {
            return context.proceed();
        } catch (RuntimeException | IOException e) {
            if (context.getInputStream() instanceof Guarded guarded && guarded.refusal != null) {
                throw guarded.refusal;
            }
            throw e;
        }
    }

    private ProblemException tooLarge(String size) {
        return new ProblemException(413, "content-too-large", "Content Too Large",
                "the request body has " + size + " bytes; at most " + maxBytes + " are accepted", null);
    }

    /**
     * A body the server could not read as its request framed it. Helidon 4.1.6 throws what its parser met: a
     * {@code NumberFormatException} for a chunk size that is not hexadecimal, its {@code DataReader}'s exception when
     * the client goes away before the declared length arrived. Unguarded, either reached the services' last mapper as
     * a 500 "Internal server error", an error span that the error-rate alert counts against the service.
     */
    private static ProblemException unreadable(RuntimeException failure, boolean chunked) {
        String detail = failure instanceof DataReader.InsufficientDataAvailableException
                || failure instanceof UncheckedIOException
                ? "body: the connection ended before the whole body arrived"
                : chunked ? "body: " + RequestFraming.UNREADABLE_CHUNKS
                : "body: could not be read as its Content-Length declares";
        return new ProblemException(400, "malformed-body", "Malformed request body", detail, failure);
    }

    /**
     * Counts what is read of a chunked body and refuses to read past the limit; turns a failure to read the body into
     * a 400 ({@link #unreadable}). Marks are not supported, so the count stays true.
     */
    private final class Guarded extends FilterInputStream {

        private final boolean chunked;
        private long read;
        /** The refusal this stream threw, for {@link #aroundReadFrom} to find under the binding's wrapper. */
        private ProblemException refusal;

        Guarded(InputStream in, boolean chunked) {
            super(in);
            this.chunked = chunked;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (RuntimeException e) {
                throw refuse(unreadable(e, chunked));
            }
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (RuntimeException e) {
                throw refuse(unreadable(e, chunked));
            }
            if (n > 0) {
                count(n);
            }
            return n;
        }

        /** Jersey closes the stream after the binding read it, and Helidon reads to the body's end to close it. */
        @Override
        public void close() throws IOException {
            try {
                super.close();
            } catch (RuntimeException e) {
                throw refuse(unreadable(e, chunked));
            }
        }

        private void count(int n) {
            read += n;
            if (chunked && read > maxBytes) {
                throw refuse(tooLarge("more than " + maxBytes));
            }
        }

        private ProblemException refuse(ProblemException problem) {
            if (refusal == null) {
                refusal = problem;
            }
            return refusal;
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
