package io.flowlens.exporter.elasticsearch.internal;

import io.flowlens.exporter.elasticsearch.ElasticsearchConnection;
import io.flowlens.exporter.elasticsearch.ElasticsearchExportStats;
import io.flowlens.exporter.elasticsearch.ElasticsearchSpanExporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Makes {@code otel.traces.exporter=otlp,elasticsearch} work: OpenTelemetry's autoconfiguration finds this provider by
 * its name and sends the same spans to both exporters. Settings come from the same OTel config (MicroProfile Config
 * in the services, or {@code OTEL_EXPORTER_ELASTICSEARCH_*} environment variables):
 *
 * <pre>
 * otel.exporter.elasticsearch.endpoint               http://127.0.0.1:9200 (a cluster: every node, comma-separated)
 * otel.exporter.elasticsearch.replicas               0 (copies of each shard in the index template; 1 on a cluster)
 * otel.exporter.elasticsearch.index-prefix           flowlens-spans
 * otel.exporter.elasticsearch.username / .password   none (basic auth for a secured cluster)
 * otel.exporter.elasticsearch.password-file          none (read the password from this file instead)
 * otel.exporter.elasticsearch.ca-file                none (PEM file of the cluster's CA, for https)
 * otel.exporter.elasticsearch.queue-size             20000 spans
 * otel.exporter.elasticsearch.bulk.max-operations    1000 per request
 * otel.exporter.elasticsearch.bulk.max-bytes         5242880
 * otel.exporter.elasticsearch.bulk.flush-interval    250ms
 * otel.exporter.elasticsearch.bulk.concurrent-requests 2
 * otel.exporter.elasticsearch.max-attempts           10 attempts per span while Elasticsearch is unreachable or answers 429
 * otel.exporter.elasticsearch.log-interval           60s between two warnings
 * otel.exporter.elasticsearch.document-ids           auto (fast) or span (trace+span id: a retry cannot duplicate)
 * </pre>
 *
 * <p>The exporter's counts go to the SDK's meter provider, handed over once autoconfigure has built the SDK (the way the
 * OTLP exporter's provider gets it: {@link AutoConfigureListener}, an internal SPI of the autoconfigure module).
 */
public final class ElasticsearchSpanExporterProvider implements ConfigurableSpanExporterProvider, AutoConfigureListener {

    static final String PREFIX = "otel.exporter.elasticsearch.";

    private final AtomicReference<MeterProvider> meterProvider = new AtomicReference<>(MeterProvider.noop());

    @Override
    public String getName() {
        return "elasticsearch";
    }

    /** From {@code password}, or from {@code password-file} so a secret need not sit in config or environment. */
    private static Optional<String> password(ConfigProperties config) {
        String file = config.getString(PREFIX + "password-file");
        if (file == null || file.isBlank()) {
            return Optional.ofNullable(config.getString(PREFIX + "password"));
        }
        try {
            return Optional.of(Files.readString(Path.of(file)).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PREFIX + "password-file " + file, e);
        }
    }

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        ElasticsearchConnection connection = new ElasticsearchConnection(
                ElasticsearchConnection.endpoints(config.getString(PREFIX + "endpoint", "http://127.0.0.1:9200")),
                Optional.ofNullable(config.getString(PREFIX + "username")),
                password(config),
                Optional.ofNullable(config.getString(PREFIX + "ca-file")).map(Path::of));
        ElasticsearchSpanExporter.Settings settings = new ElasticsearchSpanExporter.Settings(
                config.getInt(PREFIX + "queue-size", 20_000),
                config.getInt(PREFIX + "bulk.max-operations", 1_000),
                config.getLong(PREFIX + "bulk.max-bytes", 5L * 1024 * 1024),
                config.getDuration(PREFIX + "bulk.flush-interval", Duration.ofMillis(250)),
                config.getInt(PREFIX + "bulk.concurrent-requests", 2),
                config.getInt(PREFIX + "max-attempts", 10),
                config.getDuration(PREFIX + "log-interval", Duration.ofSeconds(60)),
                "span".equalsIgnoreCase(config.getString(PREFIX + "document-ids", "auto")));
        return ElasticsearchSpanExporter.builder(connection)
                .setIndexPrefix(config.getString(PREFIX + "index-prefix", "flowlens-spans"))
                .setReplicas(config.getInt(PREFIX + "replicas", 0))
                .setSettings(settings)
                .setStats(new ElasticsearchExportStats())
                .setMeterProvider(meterProvider::get)
                .build();
    }

    @Override
    public void afterAutoConfigure(OpenTelemetrySdk sdk) {
        meterProvider.set(sdk.getMeterProvider());
    }
}
