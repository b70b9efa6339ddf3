package io.flowlens.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One Kibana saved-objects file ({@code *.ndjson}, one object a line) and, dug out of every object, the field names
 * and KQL queries it uses, wherever Kibana keeps them: plain attributes (a saved search's columns and sort), JSON
 * kept as strings (search sources, panels, data view field settings, control groups), Lens columns, filters and
 * formulas.
 */
final class KibanaSavedObjects {

    /** Attributes Kibana stores as JSON inside a string. */
    private static final Set<String> JSON_STRING_KEYS = Set.of("searchSourceJSON", "panelsJSON", "optionsJSON",
            "fieldAttrs", "fieldFormatMap", "fields", "runtimeFieldMap", "sourceFilters", "typeMeta",
            "ignoreParentSettingsJSON", "uiStateJSON", "visState");
    /** Keys whose value is one field name. */
    private static final Set<String> FIELD_KEYS = Set.of("sourceField", "fieldName", "timeFieldName");
    /** Lens counts documents through this pseudo-field. */
    static final String RECORDS = "___records___";
    /** A Lens formula function applied to a field: {@code average(duration_ms)}, {@code percentile(x, percentile=95)}. */
    private static final Pattern FORMULA_FIELD = Pattern.compile("\\b[a-z_]+\\(\\s*([A-Za-z_@][\\w.@]*)\\s*[,)]");
    /** A KQL filter inside a Lens formula: {@code count(kql='error: true')}. */
    private static final Pattern FORMULA_KQL = Pattern.compile("kql='((?:[^'\\\\]|\\\\.)*)'");

    record SavedObject(String type, String id, JsonNode json) {

        JsonNode attributes() {
            return json.path("attributes");
        }

        JsonNode references() {
            return json.path("references");
        }
    }

    /** A field name an object uses, and where in the object (a path through its attributes). */
    record FieldUse(String objectId, String where, String field) {
    }

    /** A KQL query an object runs (a saved search, a Lens layer or column filter, a dashboard). */
    record KqlUse(String objectId, String where, String query) {
    }

    /** A Lens column that aggregates a field: its operation decides which field types make sense. */
    record LensColumn(String objectId, String operation, String field) {
    }

    private final Path file;
    private final List<SavedObject> objects = new ArrayList<>();
    private final List<FieldUse> fieldUses = new ArrayList<>();
    private final List<KqlUse> kqlUses = new ArrayList<>();
    private final List<LensColumn> lensColumns = new ArrayList<>();
    private final ObjectMapper mapper;

    private KibanaSavedObjects(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
    }

    /** Reads the file; a line that is not a JSON object with a type and an id fails with its line number. */
    static KibanaSavedObjects read(Path file, ObjectMapper mapper) {
        KibanaSavedObjects saved = new KibanaSavedObjects(file, mapper);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode json = saved.parse(lines.get(i), file.getFileName() + ":" + (i + 1));
            if (!json.isObject() || !json.path("type").isTextual() || !json.path("id").isTextual()) {
                throw new AssertionError(file.getFileName() + ":" + (i + 1) + " is not a saved object (type, id)");
            }
            SavedObject object = new SavedObject(json.get("type").asText(), json.get("id").asText(), json);
            saved.objects.add(object);
            saved.walk(object, "attributes", object.attributes());
        }
        return saved;
    }

    Path file() {
        return file;
    }

    List<SavedObject> objects() {
        return objects;
    }

    List<FieldUse> fieldUses() {
        return fieldUses;
    }

    List<KqlUse> kqlUses() {
        return kqlUses;
    }

    List<LensColumn> lensColumns() {
        return lensColumns;
    }

    /** A JSON-in-a-string attribute of an object, parsed (a missing one is an empty object). */
    JsonNode jsonAttribute(JsonNode holder, String key) {
        JsonNode value = holder.path(key);
        return value.isTextual() ? parse(value.asText(), key) : mapper.createObjectNode();
    }

    private void walk(SavedObject object, String path, JsonNode node) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(object, path + "[" + i + "]", node.get(i));
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        String id = object.id();
        if (node.has("query") && node.has("language")) {
            String language = node.get("language").asText();
            if (!language.equals("kuery")) {
                throw new AssertionError(id + " " + path + ": query language " + language + ", expected kuery (KQL)");
            }
            if (!node.get("query").asText().isBlank()) {
                kqlUses.add(new KqlUse(id, path, node.get("query").asText()));
            }
        }
        if (node.has("operationType") && node.path("sourceField").isTextual()
                && !node.get("sourceField").asText().equals(RECORDS)) {
            lensColumns.add(new LensColumn(id, node.get("operationType").asText(), node.get("sourceField").asText()));
        }
        if (node.path("meta").path("key").isTextual()) {
            fieldUses.add(new FieldUse(id, path + ".meta.key", node.get("meta").get("key").asText()));
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            String at = path + "." + key;
            if (JSON_STRING_KEYS.contains(key) && value.isTextual()) {
                JsonNode parsed = parse(value.asText(), id + " " + at);
                if (key.equals("fieldAttrs") || key.equals("fieldFormatMap")) {
                    parsed.fieldNames().forEachRemaining(field -> fieldUses.add(new FieldUse(id, at, field)));
                } else if (key.equals("fields")) {
                    parsed.forEach(field -> fieldUses.add(new FieldUse(id, at, field.path("name").asText())));
                } else if (!key.equals("runtimeFieldMap") && !key.equals("sourceFilters")) {
                    walk(object, at, parsed);
                }
            } else if (FIELD_KEYS.contains(key) && value.isTextual() && !value.asText().equals(RECORDS)) {
                fieldUses.add(new FieldUse(id, at, value.asText()));
            } else if (key.equals("columns") && value.isArray() && !value.isEmpty() && value.get(0).isTextual()) {
                value.forEach(column -> fieldUses.add(new FieldUse(id, at, column.asText())));
            } else if (key.equals("sort") && value.isArray()) {
                value.forEach(sort -> fieldUses.add(new FieldUse(id, at, sort.path(0).asText())));
            } else if (key.equals("formula") && value.isTextual()) {
                formula(id, at, value.asText());
            } else {
                walk(object, at, value);
            }
        }
    }

    private void formula(String id, String at, String formula) {
        Matcher field = FORMULA_FIELD.matcher(formula);
        while (field.find()) {
            fieldUses.add(new FieldUse(id, at, field.group(1)));
        }
        Matcher kql = FORMULA_KQL.matcher(formula);
        while (kql.find()) {
            kqlUses.add(new KqlUse(id, at, kql.group(1).replace("\\'", "'")));
        }
    }

    private JsonNode parse(String json, String where) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError(where + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
