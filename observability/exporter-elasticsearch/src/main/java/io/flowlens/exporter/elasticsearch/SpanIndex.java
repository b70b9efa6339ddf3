package io.flowlens.exporter.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import co.elastic.clients.elasticsearch.ElasticsearchClient;

/**
 * The daily span indices {@code <prefix>-YYYY.MM.DD} (UTC day of the span's start) and their index template. Daily
 * indices rather than ILM or a data stream because the Elasticsearch our tests start has neither; retention deletes
 * whole old indices instead.
 */
final class SpanIndex {

    static final String TEMPLATE_RESOURCE = "spans-index-template.json";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

    private final String prefix;

    SpanIndex(String prefix) {
        if (!prefix.matches("[a-z0-9][a-z0-9_.-]*")) {
            throw new IllegalArgumentException("index prefix must be lower-case letters, digits, '.', '_' or '-': "
                    + prefix);
        }
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    String nameFor(long epochNanos) {
        return prefix + "-" + DAY.format(Instant.ofEpochSecond(0, epochNanos));
    }

    String pattern() {
        return prefix + "-*";
    }

    /** Puts the template (mapping, one shard, no replica); repeating it is harmless, so every start does it. */
    void installTemplate(ElasticsearchClient client) throws IOException {
        try (InputStream template = SpanIndex.class.getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (template == null) {
                throw new UncheckedIOException(new IOException("missing resource " + TEMPLATE_RESOURCE));
            }
            client.indices().putIndexTemplate(request -> request.withJson(template)
                    .name(prefix)
                    .indexPatterns(pattern()));
        }
    }
}
