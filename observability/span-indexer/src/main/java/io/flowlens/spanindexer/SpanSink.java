package io.flowlens.spanindexer;

import io.flowlens.exporter.elasticsearch.ElasticsearchExportStats;
import io.flowlens.exporter.elasticsearch.ElasticsearchSpanExporter;
import io.flowlens.exporter.elasticsearch.internal.ElasticsearchSpanExporterProvider;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * The one {@link ElasticsearchSpanExporter} of the indexer, made by the exporter's own SPI provider from the same
 * {@code otel.exporter.elasticsearch.*} keys the services use (so defaults, parsing, mapping, template, bounded queue,
 * backoff and counted drops are the in-process exporter's), read here through MicroProfile Config.
 *
 * <p>The exporter drops spans when its queue is full, which is right inside a service but wrong here: the sender
 * (Jaeger's otlphttp exporter) can keep a batch and retry it. So a batch that does not fit into the queue is refused
 * as a whole before anything is enqueued; the check and the enqueue hold one lock so two requests cannot both fit.
 */
@ApplicationScoped
public class SpanSink {

    static final String PREFIX = "otel.exporter.elasticsearch.";
    /** Every key {@link ElasticsearchSpanExporterProvider} reads, so environment variables reach it too. */
    private static final List<String> KEYS = List.of("endpoint", "index-prefix", "replicas", "username", "password",
            "password-file", "ca-file", "queue-size", "bulk.max-operations", "bulk.max-bytes", "bulk.flush-interval",
            "bulk.concurrent-requests", "max-attempts", "log-interval", "document-ids");
    private static final Logger LOGGER = Logger.getLogger(SpanSink.class.getName());

    private final ElasticsearchSpanExporter exporter;
    private final int queueSize;
    private final AtomicLong receivedSpans = new AtomicLong();
    private final AtomicLong receivedRequests = new AtomicLong();
    private final AtomicLong refusedSpans = new AtomicLong();
    private final AtomicLong rejectedSpans = new AtomicLong();
    private volatile boolean closed;

    @Inject
    public SpanSink(Config config) {
        Map<String, String> settings = new HashMap<>();
        for (String key : KEYS) {
            config.getOptionalValue(PREFIX + key, String.class).ifPresent(value -> settings.put(PREFIX + key, value));
        }
        DefaultConfigProperties properties = DefaultConfigProperties.createFromMap(settings);
        this.queueSize = properties.getInt(PREFIX + "queue-size", 20_000);
        this.exporter = (ElasticsearchSpanExporter) new ElasticsearchSpanExporterProvider().createExporter(properties);
        LOGGER.info(() -> "span indexer writing through " + exporter + ", queue of " + queueSize + " spans");
    }

    /** What became of one request's spans. */
    enum Outcome { ACCEPTED, QUEUE_FULL, CLOSED }

    /**
     * Hands the spans to the exporter if they all fit into its queue. {@link Outcome#QUEUE_FULL} means nothing was
     * taken and the sender should retry later. One batch larger than the whole queue is taken when the queue is empty
     * (its excess is dropped and counted by the exporter), or it could never be delivered at all.
     */
    synchronized Outcome offer(List<SpanData> spans, int rejected) {
        receivedRequests.incrementAndGet();
        receivedSpans.addAndGet(spans.size() + rejected);
        rejectedSpans.addAndGet(rejected);
        if (closed) {
            refusedSpans.addAndGet(spans.size());
            return Outcome.CLOSED;
        }
        int queued = exporter.stats().queued();
        if (queued > 0 && queued + spans.size() > queueSize) {
            refusedSpans.addAndGet(spans.size());
            return Outcome.QUEUE_FULL;
        }
        if (!spans.isEmpty()) {
            exporter.export(spans);
        }
        return Outcome.ACCEPTED;
    }

    /** Room in the queue for at least one more span, and not shutting down. */
    boolean accepting() {
        return !closed && exporter.stats().queued() < queueSize;
    }

    ElasticsearchExportStats stats() {
        return exporter.stats();
    }

    int queueSize() {
        return queueSize;
    }

    long receivedSpans() {
        return receivedSpans.get();
    }

    long receivedRequests() {
        return receivedRequests.get();
    }

    /** Spans answered with 503 (queue full or shutting down): the sender still has them. */
    long refusedSpans() {
        return refusedSpans.get();
    }

    /** Spans that could not be converted (no valid ids), reported back as partial success. */
    long rejectedSpans() {
        return rejectedSpans.get();
    }

    /** Writes what is queued before the process ends (the exporter bounds that wait). */
    @PreDestroy
    void close() {
        closed = true;
        exporter.shutdown().join(20, TimeUnit.SECONDS);
    }

    /** How long a sender should wait before retrying a refused batch: about one bulk round-trip with backoff. */
    static Duration retryAfter() {
        return Duration.ofSeconds(1);
    }
}
