package io.flowlens.exporter.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/** FIELDS.md, {@link SpanFields} and the index template name the same fields. */
class SpanFieldsTest {

    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    @Test
    void everyDocumentedFieldIsAConstantAndEveryConstantIsDocumented() throws IOException {
        Map<String, String> rows = documentedRows();
        Set<String> constants = new TreeSet<>(constants().values());

        List<String> undeclared = new ArrayList<>();
        for (String field : rows.keySet()) {
            if (!constants.contains(asConstant(field))) {
                undeclared.add(field);
            }
        }
        assertThat("fields in FIELDS.md without a SpanFields constant", undeclared, is(empty()));

        List<String> undocumented = new ArrayList<>();
        for (String value : constants) {
            boolean documented = rows.keySet().stream().map(SpanFieldsTest::asConstant).anyMatch(value::equals)
                    // a flowlens.* attribute is documented as an example in the flowlens.* row
                    || (value.startsWith(SpanFields.FLOWLENS_PREFIX)
                    && rows.get("flowlens.*").contains("`" + value + "`"));
            if (!documented) {
                undocumented.add(value);
            }
        }
        assertThat("SpanFields constants missing from FIELDS.md", undocumented, is(empty()));
    }

    @Test
    void everyConstantIsMappedByTheIndexTemplateAndEveryTemplateFieldIsAConstant() throws IOException {
        JsonNode properties;
        try (InputStream in = SpanIndex.class.getResourceAsStream(SpanIndex.TEMPLATE_RESOURCE)) {
            properties = new ObjectMapper().readTree(in).path("template").path("mappings").path("properties");
        }
        Map<String, String> constants = constants();
        List<String> unmapped = new ArrayList<>();
        for (Map.Entry<String, String> constant : constants.entrySet()) {
            JsonNode mapping = mapping(properties, constant.getValue());
            boolean mapped = constant.getValue().equals(SpanFields.FLOWLENS_PREFIX)
                    ? mapping.path("dynamic").asBoolean(false) // flowlens.* maps whatever attributes arrive
                    : mapping.has("type") || mapping.has("properties");
            if (!mapped) {
                unmapped.add(constant.getKey() + " = " + constant.getValue());
            }
        }
        assertThat("constants the index template does not map", unmapped, is(empty()));

        Set<String> topLevel = new TreeSet<>();
        constants.values().forEach(value -> topLevel.add(value.split("\\.")[0]));
        List<String> unnamed = new ArrayList<>();
        properties.fieldNames().forEachRemaining(name -> {
            if (!topLevel.contains(name)) {
                unnamed.add(name);
            }
        });
        assertThat("template fields no constant names", unnamed, is(empty()));
    }

    /** A dotted name's mapping: {@code url.path} is {@code properties.url.properties.path}. */
    private static JsonNode mapping(JsonNode properties, String dottedName) {
        JsonNode direct = properties.path(dottedName);
        if (!direct.isMissingNode()) {
            return direct;
        }
        String[] parts = dottedName.split("\\.");
        JsonNode node = properties.path(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            node = node.path("properties").path(parts[i]);
        }
        return node;
    }

    /** First column of the field table: each backticked name, with the row it stands in. */
    private static Map<String, String> documentedRows() throws IOException {
        Map<String, String> rows = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("FIELDS.md"))) {
            if (!line.startsWith("| `")) {
                continue;
            }
            Matcher names = BACKTICKED.matcher(line.split("\\|")[1]);
            while (names.find()) {
                rows.put(names.group(1), line);
            }
        }
        assertThat("FIELDS.md has its field table", rows.size() > 20, is(true));
        return rows;
    }

    /** {@code flowlens.*} in the doc is the prefix constant {@code flowlens.}. */
    private static String asConstant(String documented) {
        return documented.endsWith(".*") ? documented.substring(0, documented.length() - 1) : documented;
    }

    private static Map<String, String> constants() {
        Map<String, String> constants = new TreeMap<>();
        for (Field field : SpanFields.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && field.getType() == String.class) {
                try {
                    constants.put(field.getName(), (String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return constants;
    }
}
