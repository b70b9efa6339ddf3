package io.flowlens.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import io.flowlens.exporter.elasticsearch.ElasticsearchConnection;

/**
 * Span documents under a test-only index prefix of the real Elasticsearch: the project's span index template put
 * on {@code <prefix>-*}, daily indices {@code <prefix>-YYYY.MM.DD} like the exporter's, and a clean slate first.
 * Test prefixes never match {@code flowlens-spans-*}, where the services' real spans go.
 */
final class FixtureIndex implements AutoCloseable {

    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
    private static final String TEMPLATE = "io/flowlens/exporter/elasticsearch/spans-index-template.json";

    private final ElasticsearchClient client;

    FixtureIndex(String elasticsearchUrl) {
        this.client = ElasticsearchConnection.unsecured(URI.create(elasticsearchUrl)).open();
    }

    ElasticsearchClient client() {
        return client;
    }

    /** Deletes every {@code <prefix>-*} index and (re)puts the span template on that pattern. */
    void reset(String prefix) {
        try {
            List<String> existing = indices(prefix);
            if (!existing.isEmpty()) {
                client.indices().delete(d -> d.index(existing));
            }
            try (InputStream template = getClass().getClassLoader().getResourceAsStream(TEMPLATE)) {
                if (template == null) {
                    throw new AssertionError(TEMPLATE + " is not on the test class path");
                }
                client.indices().putIndexTemplate(t -> t.name(prefix).withJson(template).indexPatterns(prefix + "-*"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names of the indices matching {@code <prefix>-*}, open or closed. */
    List<String> indices(String prefix) throws IOException {
        return new ArrayList<>(client.indices().get(g -> g.index(prefix + "-*")
                .expandWildcards(ExpandWildcard.Open, ExpandWildcard.Closed)).indices().keySet());
    }

    /** Indexes the spans into their daily indices and refreshes, so every search sees all of them. */
    void index(String prefix, List<FixtureSpan> spans) {
        try {
            for (int from = 0; from < spans.size(); from += 500) {
                List<BulkOperation> operations = new ArrayList<>();
                for (FixtureSpan span : spans.subList(from, Math.min(spans.size(), from + 500))) {
                    operations.add(BulkOperation.of(b -> b.index(i -> i.index(prefix + "-" + DAY.format(span.start()))
                            .document(span.document()))));
                }
                BulkResponse response = client.bulk(b -> b.operations(operations));
                if (response.errors()) {
                    throw new AssertionError("bulk indexing failed: " + response.items().stream()
                            .filter(item -> item.error() != null).findFirst().map(item -> item.error().reason())
                            .orElse("?"));
                }
            }
            client.indices().refresh(r -> r.index(prefix + "-*"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates an empty index with exactly this name (it gets the template when the name matches a pattern). */
    void create(String index) {
        try {
            client.indices().create(c -> c.index(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        client._transport().close();
    }
}
