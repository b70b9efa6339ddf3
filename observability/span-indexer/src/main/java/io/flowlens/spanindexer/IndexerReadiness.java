package io.flowlens.spanindexer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means "a batch sent now would be taken": the exporter is running and its queue has room. Elasticsearch being
 * reachable is deliberately not part of it: the indexer queues (and Jaeger's sending queue holds) through an outage,
 * and an indexer reported unready while Elasticsearch restarts would only make Jaeger or compose give up on it sooner.
 */
@Readiness
@ApplicationScoped
public class IndexerReadiness implements HealthCheck {

    private final SpanSink sink;

    @Inject
    public IndexerReadiness(SpanSink sink) {
        this.sink = sink;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("span-queue")
                .status(sink.accepting())
                .withData("queued", sink.stats().queued())
                .withData("capacity", sink.queueSize())
                .withData("indexed", sink.stats().indexed())
                .withData("dropped", sink.stats().dropped())
                .build();
    }
}
