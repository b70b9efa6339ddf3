package io.flowlens.analytics;

import io.flowlens.exporter.elasticsearch.ElasticsearchConnection;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.Config;

/**
 * Where the CLI reads from: MicroProfile Config ({@code flowlens.elasticsearch.url}, env
 * {@code FLOWLENS_ELASTICSEARCH_URL}, ...) overridden by command-line options. The password comes only from config or
 * the environment: on a command line it would show in {@code ps} and in shell history. {@link #toString()} leaves
 * it out.
 */
public final class FlowlensSettings {

    static final String DEFAULT_ELASTICSEARCH = "http://127.0.0.1:9200";
    static final String DEFAULT_JAEGER = "http://127.0.0.1:16686";
    static final String DEFAULT_PREFIX = "flowlens-spans";
    /** Lower-case index-name characters only: the prefix becomes {@code <prefix>-*}, and retention deletes by it. */
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private final ElasticsearchConnection connection;
    private final String indexPrefix;
    private final URI jaeger;

    public FlowlensSettings(ElasticsearchConnection connection, String indexPrefix, URI jaeger) {
        if (!PREFIX.matcher(indexPrefix).matches()) {
            throw new UsageException("index prefix must be lower-case letters, digits, '.', '_' or '-', was '"
                    + indexPrefix + "'");
        }
        this.connection = connection;
        this.indexPrefix = indexPrefix;
        this.jaeger = jaeger;
    }

    public static FlowlensSettings from(Config config, CliArguments args) {
        String url = args.option("es").orElseGet(() -> config.getOptionalValue("flowlens.elasticsearch.url", String.class)
                .orElse(DEFAULT_ELASTICSEARCH));
        Optional<String> username = config.getOptionalValue("flowlens.elasticsearch.username", String.class);
        Optional<String> password = config.getOptionalValue("flowlens.elasticsearch.password", String.class);
        Optional<Path> caFile = args.option("ca-file")
                .or(() -> config.getOptionalValue("flowlens.elasticsearch.ca-file", String.class))
                .filter(file -> !file.isBlank()).map(Path::of);
        String prefix = args.option("index-prefix").orElseGet(() -> config
                .getOptionalValue("flowlens.spans.index-prefix", String.class).orElse(DEFAULT_PREFIX));
        String jaeger = args.option("jaeger").orElseGet(() -> config.getOptionalValue("flowlens.jaeger.url", String.class)
                .orElse(DEFAULT_JAEGER));
        return new FlowlensSettings(new ElasticsearchConnection(uri(url, "Elasticsearch URL"), username, password,
                caFile), prefix, uri(jaeger, "Jaeger URL"));
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

    public String indexPrefix() {
        return indexPrefix;
    }

    /** Every daily span index: {@code <prefix>-*}. */
    public String indexPattern() {
        return indexPrefix + "-*";
    }

    public URI jaeger() {
        return jaeger;
    }

    @Override
    public String toString() {
        return "Elasticsearch " + connection + ", indices " + indexPattern() + ", Jaeger " + jaeger;
    }
}
