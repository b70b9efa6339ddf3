package io.flowlens.analytics;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.flowlens.exporter.elasticsearch.ElasticsearchConnection;
import io.flowlens.exporter.elasticsearch.SpanIndex;
import org.eclipse.microprofile.config.Config;

/**
 * Where the analytics read from: MicroProfile Config ({@code flowlens.elasticsearch.url}, env
 * {@code FLOWLENS_ELASTICSEARCH_URL}, ...), overridden per call (the CLI's options). The password comes only from
 * config or the environment: on a command line it would show in {@code ps} and in shell history. {@link #toString()}
 * leaves it out.
 */
public final class FlowlensSettings {

    public static final String ELASTICSEARCH_URL = "flowlens.elasticsearch.url";
    public static final String ELASTICSEARCH_USERNAME = "flowlens.elasticsearch.username";
    public static final String ELASTICSEARCH_PASSWORD = "flowlens.elasticsearch.password";
    public static final String ELASTICSEARCH_CA_FILE = "flowlens.elasticsearch.ca-file";
    public static final String INDEX_PREFIX = "flowlens.spans.index-prefix";
    public static final String JAEGER_URL = "flowlens.jaeger.url";

    static final String DEFAULT_ELASTICSEARCH = "http://127.0.0.1:9200";
    static final String DEFAULT_JAEGER = "http://127.0.0.1:16686";
    static final String DEFAULT_PREFIX = "flowlens-spans";

    private final ElasticsearchConnection connection;
    private final SpanIndex spanIndex;
    private final URI jaeger;

    public FlowlensSettings(ElasticsearchConnection connection, SpanIndex spanIndex, URI jaeger) {
        this.connection = connection;
        this.spanIndex = spanIndex;
        this.jaeger = jaeger;
    }

    /**
     * The settings from MicroProfile Config, with command-line values over them.
     *
     * @param overrides values by property name ({@link #ELASTICSEARCH_URL}, ...) that win over the configuration;
     *                  the password is not taken from here
     * @throws UsageException for a URL or index prefix that cannot be used
     */
    public static FlowlensSettings from(Config config, Map<String, String> overrides) {
        String url = value(config, overrides, ELASTICSEARCH_URL).orElse(DEFAULT_ELASTICSEARCH);
        Optional<String> username = value(config, overrides, ELASTICSEARCH_USERNAME);
        Optional<String> password = config.getOptionalValue(ELASTICSEARCH_PASSWORD, String.class);
        Optional<Path> caFile = value(config, overrides, ELASTICSEARCH_CA_FILE).filter(file -> !file.isBlank())
                .map(Path::of);
        String prefix = value(config, overrides, INDEX_PREFIX).orElse(DEFAULT_PREFIX);
        String jaeger = value(config, overrides, JAEGER_URL).orElse(DEFAULT_JAEGER);
        SpanIndex spanIndex;
        try {
            spanIndex = new SpanIndex(prefix);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        // a cluster: every node, comma-separated, as the span indexer takes them
        List<URI> nodes = Arrays.stream(url.split(",")).filter(node -> !node.isBlank())
                .map(node -> uri(node, "Elasticsearch URL")).toList();
        if (nodes.isEmpty()) {
            throw new UsageException("Elasticsearch URL must be like http://host:port, was '" + url + "'");
        }
        return new FlowlensSettings(new ElasticsearchConnection(nodes, username, password, caFile), spanIndex,
                uri(jaeger, "Jaeger URL"));
    }

    private static Optional<String> value(Config config, Map<String, String> overrides, String property) {
        String override = overrides.get(property);
        return override != null ? Optional.of(override) : config.getOptionalValue(property, String.class);
    }

    private static URI uri(String text, String what) {
        try {
            URI uri = URI.create(text.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + " must be like http://host:port, was '" + text + "'");
        }
    }

    public ElasticsearchConnection connection() {
        return connection;
    }

    /** The daily span indices {@code <prefix>-YYYY.MM.DD}. */
    public SpanIndex spanIndex() {
        return spanIndex;
    }

    public String indexPrefix() {
        return spanIndex.prefix();
    }

    /** Every daily span index: {@code <prefix>-*}. */
    public String indexPattern() {
        return spanIndex.pattern();
    }

    public URI jaeger() {
        return jaeger;
    }

    @Override
    public String toString() {
        return "Elasticsearch " + connection + ", indices " + indexPattern() + ", Jaeger " + jaeger;
    }
}
