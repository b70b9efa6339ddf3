package io.flowlens.spanindexer;

import java.util.List;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;

/**
 * A span received over OTLP, seen as the SDK's {@link SpanData}, so the Elasticsearch exporter writes it exactly as it
 * writes a span finished in-process. Immutable; {@link OtlpSpans} builds it.
 */
final class ReceivedSpan implements SpanData {

    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    private final SpanContext context;
    private final SpanContext parent;
    private final String name;
    private final SpanKind kind;
    private final long startEpochNanos;
    private final long endEpochNanos;
    private final Attributes attributes;
    private final int droppedAttributes;
    private final List<EventData> events;
    private final int droppedEvents;
    private final List<LinkData> links;
    private final int droppedLinks;
    private final StatusData status;

    ReceivedSpan(Resource resource, InstrumentationScopeInfo scope, SpanContext context, SpanContext parent, String name,
                 SpanKind kind, long startEpochNanos, long endEpochNanos, Attributes attributes, int droppedAttributes,
                 List<EventData> events, int droppedEvents, List<LinkData> links, int droppedLinks, StatusData status) {
        this.resource = resource;
        this.scope = scope;
        this.context = context;
        this.parent = parent;
        this.name = name;
        this.kind = kind;
        this.startEpochNanos = startEpochNanos;
        this.endEpochNanos = endEpochNanos;
        this.attributes = attributes;
        this.droppedAttributes = droppedAttributes;
        this.events = List.copyOf(events);
        this.droppedEvents = droppedEvents;
        this.links = List.copyOf(links);
        this.droppedLinks = droppedLinks;
        this.status = status;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public SpanKind getKind() {
        return kind;
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public StatusData getStatus() {
        return status;
    }

    @Override
    public long getStartEpochNanos() {
        return startEpochNanos;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public List<EventData> getEvents() {
        return events;
    }

    @Override
    public List<LinkData> getLinks() {
        return links;
    }

    @Override
    public long getEndEpochNanos() {
        return endEpochNanos;
    }

    /** Only finished spans are exported. */
    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public int getTotalRecordedEvents() {
        return events.size() + droppedEvents;
    }

    @Override
    public int getTotalRecordedLinks() {
        return links.size() + droppedLinks;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size() + droppedAttributes;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    /** Still abstract in the SDK we build against; deliberately without {@code @Override}, as newer SDKs drop it. */
    @SuppressWarnings("deprecation")
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion(), scope.getSchemaUrl());
    }

    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public String toString() {
        return "ReceivedSpan{" + name + ", " + context.getTraceId() + "/" + context.getSpanId() + "}";
    }
}
