package io.flowlens.exporter.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Optional;
import java.util.regex.Pattern;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The daily span indices {@code <prefix>-YYYY.MM.DD} (UTC day of the span's start) and their index template. Daily
 * indices rather than ILM or a data stream because the Elasticsearch our tests start has neither; retention deletes
 * whole old indices instead, reading each index's day back through {@link #dayOf}, the inverse of {@link #nameFor}.
 */
public final class SpanIndex {

    static final String TEMPLATE_RESOURCE = "spans-index-template.json";
    /** Lower-case index-name characters only: the prefix becomes {@code <prefix>-*}, and retention deletes by it. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    /** Fixed widths (a plain {@code yyyy} would read a five-digit year) and strict dates (no 2025.02.30). */
    private static final DateTimeFormatter DAY = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4).appendLiteral('.')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('.')
            .appendValue(ChronoField.DAY_OF_MONTH, 2)
            .toFormatter().withResolverStyle(ResolverStyle.STRICT).withZone(ZoneOffset.UTC);

    private final String prefix;

    /** @throws IllegalArgumentException when the prefix is not lower-case letters, digits, '.', '_' or '-' */
    public SpanIndex(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("index prefix must be lower-case letters, digits, '.', '_' or '-', was '"
                    + prefix + "'");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The index of a span that started at {@code epochNanos}. */
    public String nameFor(long epochNanos) {
        return prefix + "-" + DAY.format(Instant.ofEpochSecond(0, epochNanos));
    }

    /** The index of a UTC day. */
    public String nameFor(LocalDate day) {
        return prefix + "-" + DAY.format(day);
    }

    /** The day of a daily index, or empty when the name is not exactly {@code <prefix>-YYYY.MM.DD} with a real date. */
    public Optional<LocalDate> dayOf(String index) {
        if (!index.startsWith(prefix + "-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(DAY.parse(index.substring(prefix.length() + 1), LocalDate::from));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Every daily index of this prefix: {@code <prefix>-*}. */
    public String pattern() {
        return prefix + "-*";
    }

    /**
     * Puts the template (mapping, one shard, {@code replicas} copies of it); repeating it is harmless, so every start
     * does it. A change of replicas applies to the indices created after it, i.e. from the next day on.
     */
    void installTemplate(ElasticsearchClient client, int replicas) throws IOException {
        String template = template(replicas);
        client.indices().putIndexTemplate(request -> request.withJson(new StringReader(template))
                .name(prefix)
                .indexPatterns(pattern()));
    }

    /**
     * The index template of the resource file with {@code number_of_replicas} set: 0 on a single node (a replica
     * could never be assigned there, so the index would stay yellow), 1 on a cluster so that losing a node loses no span.
     *
     * @throws IllegalArgumentException when {@code replicas} is negative
     */
    static String template(int replicas) throws IOException {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 or more: " + replicas);
        }
        try (InputStream resource = SpanIndex.class.getResourceAsStream(TEMPLATE_RESOURCE)) {
            if (resource == null) {
                throw new UncheckedIOException(new IOException("missing resource " + TEMPLATE_RESOURCE));
            }
            ObjectNode template = (ObjectNode) JSON.readTree(resource);
            ((ObjectNode) template.path("template").path("settings")).put("number_of_replicas", replicas);
            return JSON.writeValueAsString(template);
        }
    }
}
