package io.flowlens.spanindexer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowlens.servercheck.RequestFraming;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The OTLP/HTTP traces receiver ({@code POST /v1/traces}, binary protobuf, plain or gzip), as the OTLP specification
 * describes it: 200 with an {@code ExportTraceServiceResponse} (partial success names the spans that were rejected),
 * 400 for a body that is not an export request (the sender must not retry it), 413 for one over
 * {@code flowlens.indexer.max-body-bytes} decoded, 503 with {@code Retry-After} when the
 * Elasticsearch queue cannot take the batch (the sender keeps it and retries; nothing of it was taken).
 */
@Path("/v1/traces")
@ApplicationScoped
public class TracesResource {

    static final String PROTOBUF = "application/x-protobuf";
    private static final String INSTANCE = "/v1/traces";

    private final SpanSink sink;
    private final int maxBodyBytes;

    /**
     * {@code flowlens.indexer.max-body-bytes}: the largest export request taken, decoded (32 MiB). Jaeger's batch
     * processor sends at most ~8 700 of our spans at a time (its 8 192 and one of the services' exports), ~4.6 MB at
     * ~530 bytes a span; a body read and parsed whole beyond that bound ran the indexer's 256 MB heap out (a 200 MB
     * body: OutOfMemoryError), and a gzip body of a few KB can decode to any size.
     */
    @Inject
    public TracesResource(SpanSink sink,
                          @ConfigProperty(name = "flowlens.indexer.max-body-bytes", defaultValue = "33554432")
                          int maxBodyBytes) {
        if (maxBodyBytes < 1) {
            throw new IllegalStateException("flowlens.indexer.max-body-bytes must be positive, not " + maxBodyBytes);
        }
        this.sink = sink;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The body arrives decoded: {@link GzipRequestDecoding} undoes a gzip Content-Encoding in the web server. */
    @POST
    @Consumes(PROTOBUF)
    public Response export(InputStream body) {
        ExportTraceServiceRequest request;
        try {
            byte[] bytes = readAtMost(body, maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                // not retried by an OTLP sender (RFC 9110: 413 is final), which counts the batch as failed
                return Problem.response(413, "content-too-large", "Content Too Large", "the export request has more"
                        + " than " + maxBodyBytes + " bytes (decoded); at most " + maxBodyBytes + " are accepted",
                        INSTANCE);
            }
            request = ExportTraceServiceRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return malformed("the body is not a protobuf ExportTraceServiceRequest: " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            // a body declared gzip that is not, or a connection cut mid-body
            return malformed("the body could not be read: " + e.getMessage());
        }
        OtlpSpans.Conversion conversion = OtlpSpans.convert(request);
        SpanSink.Outcome outcome = sink.offer(conversion.spans(), conversion.rejected());
        if (outcome != SpanSink.Outcome.ACCEPTED) {
            String why = outcome == SpanSink.Outcome.CLOSED ? "the indexer is shutting down"
                    : "the Elasticsearch queue cannot take " + conversion.spans().size() + " more spans ("
                    + sink.stats().queued() + " of " + sink.queueSize() + " queued)";
            return Response.fromResponse(Problem.response(503, "indexer-busy", "Span indexer busy",
                    why + "; retry later", INSTANCE))
                    .header("Retry-After", SpanSink.retryAfter().toSeconds())
                    .build();
        }
        ExportTraceServiceResponse.Builder answer = ExportTraceServiceResponse.newBuilder();
        if (conversion.rejected() > 0) {
            answer.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(conversion.rejected())
                    .setErrorMessage(conversion.firstProblem()));
        }
        return Response.ok(answer.build().toByteArray(), PROTOBUF).build();
    }

    /**
     * Helidon 4.1.6 throws what its parser meets while the body arrives: a {@code NumberFormatException} for a chunk
     * size that is not hexadecimal, its {@code DataReader}'s exception when the sender goes away before the declared
     * length arrived. Unguarded, either was a 500 in text/plain, which an OTLP sender retries.
     */
    private static byte[] readAtMost(InputStream body, int limit) throws IOException {
        try {
            return body.readNBytes(limit);
        } catch (UncheckedIOException decoding) {
            throw decoding; // a body declared gzip that is not: the caller words it
        } catch (RuntimeException framing) {
            throw new IOException(RequestFraming.UNREADABLE_CHUNKS + ", or the connection ended before the body did",
                    framing);
        }
    }

    private static Response malformed(String detail) {
        return Problem.response(400, "malformed-otlp", "Malformed OTLP request", detail, INSTANCE);
    }
}
