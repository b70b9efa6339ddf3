package io.flowlens.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The span index template as the observability module ships it (a classpath resource), read for its settings and
 * mappings and for the type of every field name it maps, so that anything naming a span field can be checked
 * against it.
 */
final class SpanIndexTemplate {

    static final String RESOURCE = "io/flowlens/exporter/elasticsearch/spans-index-template.json";

    private final JsonNode template;
    /** Dotted field name → mapping type, multi-fields included ({@code exception.message.keyword}). */
    private final Map<String, String> types = new TreeMap<>();

    private SpanIndexTemplate(JsonNode template) {
        this.template = template;
        collect("", template.path("mappings").path("properties"));
    }

    static SpanIndexTemplate load(ObjectMapper mapper) {
        try (InputStream in = SpanIndexTemplate.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath (exporter-elasticsearch jar)");
            }
            return new SpanIndexTemplate(mapper.readTree(in).path("template"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode settings() {
        return template.path("settings");
    }

    JsonNode mappings() {
        return template.path("mappings");
    }

    /**
     * The mapping type of a field name, if the template maps it. A {@code flattened} field indexes every key below it,
     * so {@code attributes.server.address} is a field of type flattened.
     */
    Optional<String> typeOf(String field) {
        String type = types.get(field);
        if (type != null) {
            return Optional.of(type);
        }
        return types.entrySet().stream()
                .filter(entry -> entry.getValue().equals("flattened") && field.startsWith(entry.getKey() + "."))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    private void collect(String prefix, JsonNode properties) {
        properties.properties().forEach(property -> {
            String name = prefix + property.getKey();
            JsonNode mapping = property.getValue();
            if (mapping.has("type")) {
                types.put(name, mapping.get("type").asText());
            }
            mapping.path("fields").properties()
                    .forEach(sub -> types.put(name + "." + sub.getKey(), sub.getValue().path("type").asText()));
            collect(name + ".", mapping.path("properties"));
        });
    }
}
