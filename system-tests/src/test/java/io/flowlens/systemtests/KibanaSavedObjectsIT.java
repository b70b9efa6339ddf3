package io.flowlens.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowlens.analytics.KqlQuery;
import io.flowlens.systemtests.KibanaSavedObjects.SavedObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import static java.util.Map.entry;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * The Kibana saved objects in {@code compose/kibana/saved-objects/} (issue 5). Kibana itself does not run on our
 * machines, so they are checked three ways without it: the files are well-formed exports whose references all resolve
 * the way Kibana resolves them; every field name they use is one the span index template maps; and every KQL query
 * they hold finds exactly the spans it should in a real Elasticsearch, on a hand-built fixture of span documents.
 *
 * <p>Elasticsearch cannot run KQL (Kibana turns it into query DSL), so each query is translated to Lucene for
 * {@code query_string} by the analytics core's {@link KqlQuery} (the console's search box uses the same); on the
 * subset the saved objects use, that changes only ranges and keyword case, and KqlQuery refuses anything else.
 */
@ResourceLock(Lanes.MAIN)
class KibanaSavedObjectsIT {

    private static final String DATA_VIEW_ID = "flowlens-spans";
    /** Not {@code flowlens-spans-*}: the services write their real spans there. */
    private static final String FIXTURE_INDEX = "kibana-fixture-spans";
    private static final String FIXTURE = "io/flowlens/systemtests/kibana-fixture-spans.json";
    private static final Set<String> NUMERIC = Set.of("long", "integer", "short", "byte", "double", "float",
            "half_float", "scaled_float", "unsigned_long");
    private static final Set<String> NUMERIC_OPERATIONS = Set.of("average", "sum", "min", "max", "median",
            "percentile", "percentile_rank", "standard_deviation");

    /**
     * Each KQL query in the saved objects and the fixture spans it must find, no more, no fewer. The fixture holds
     * near misses on purpose: 1000 ms exactly (not slower than 1 s), 500 ms exactly, a 502 next to the 500s, a slow
     * POST that did not fail, a failed GET, a cancellation that is no compensation, a DECLINED status outside
     * payments.authorize, a sign-up span without an error field, declines that are no errors.
     */
    private static final Map<String, Set<String>> EXPECTED_MATCHES = new TreeMap<>(Map.ofEntries(
            entry("service: \"orders\"", Set.of("orders-post-created", "orders-post-slow-created",
                    "orders-post-failed-slow", "orders-post-failed-at-500ms", "orders-post-failed-fast",
                    "orders-get-just-over-1s", "orders-create", "orders-create-second", "orders-confirm",
                    "orders-cancel-compensation", "orders-cancel-not-compensation", "orders-db-insert")),
            entry("error: true", Set.of("orders-post-failed-slow", "orders-post-failed-at-500ms",
                    "orders-post-failed-fast", "users-register-failed", "users-get-failed",
                    "orchestrator-post-payments-bad-gateway")),
            entry("duration_ms > 1000", Set.of("orders-post-failed-slow", "orders-get-just-over-1s",
                    "users-register-failed", "orchestrator-flow-declined")),
            entry("method: \"POST\"", Set.of("orders-post-created", "orders-post-slow-created",
                    "orders-post-failed-slow", "orders-post-failed-at-500ms", "orders-post-failed-fast",
                    "users-post-exactly-1s", "orchestrator-post-payments-bad-gateway")),
            entry("status_code: 500", Set.of("orders-post-failed-slow", "orders-post-failed-at-500ms",
                    "users-get-failed")),
            entry("method: \"POST\" AND duration_ms > 500 AND error: true", Set.of("orders-post-failed-slow",
                    "orchestrator-post-payments-bad-gateway")),
            entry("flowlens.fault.injected: *", Set.of("orders-post-failed-slow", "orders-post-failed-fast",
                    "orchestrator-post-payments-bad-gateway")),
            entry("flowlens.compensation: true", Set.of("orders-cancel-compensation")),
            entry("name: \"payments.authorize\" AND flowlens.payment.status: \"DECLINED\"",
                    Set.of("payments-authorize-declined")),
            entry("status_code >= 500", Set.of("orders-post-failed-slow", "orders-post-failed-at-500ms",
                    "orders-post-failed-fast", "users-get-failed", "orchestrator-post-payments-bad-gateway")),
            entry("kind: \"SERVER\"", Set.of("orders-post-created", "orders-post-slow-created",
                    "orders-post-failed-slow", "orders-post-failed-at-500ms", "orders-post-failed-fast",
                    "orders-get-just-over-1s", "users-post-exactly-1s", "users-get-not-found", "users-get-failed")),
            entry("name: \"users.register\" AND NOT error: true", Set.of("users-register",
                    "users-register-without-error-field")),
            entry("name: \"orders.create\"", Set.of("orders-create", "orders-create-second")),
            entry("name: \"orders.confirm\"", Set.of("orders-confirm")),
            entry("name: \"payments.authorize\"", Set.of("payments-authorize-authorized",
                    "payments-authorize-authorized-again", "payments-authorize-declined")),
            entry("flowlens.payment.status: \"AUTHORIZED\"", Set.of("payments-authorize-authorized",
                    "payments-authorize-authorized-again"))));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static List<KibanaSavedObjects> files;
    private static SpanIndexTemplate template;

    @BeforeAll
    static void load() throws IOException {
        Path root = Path.of(System.getProperty("flowlens.root", "..")).toAbsolutePath().normalize();
        Path folder = root.resolve("compose/kibana/saved-objects");
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(path -> path.getFileName().toString().endsWith(".ndjson")).sorted()
                    .map(path -> KibanaSavedObjects.read(path, JSON)).toList();
        }
        assertThat("saved-object files in " + folder, files, not(empty()));
        template = SpanIndexTemplate.load(JSON);
    }

    @Test
    void everyFileIsAnExportWhoseReferencesResolveAsKibanaResolvesThem() {
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (KibanaSavedObjects file : files) {
            Map<String, String> typeById = new TreeMap<>();
            for (SavedObject object : file.objects()) {
                if (!ids.add(object.id())) {
                    problems.add(object.id() + ": id used twice");
                }
                typeById.put(object.id(), object.type());
            }
            for (SavedObject object : file.objects()) {
                Set<String> names = new HashSet<>();
                boolean usesDataView = false;
                for (JsonNode reference : object.references()) {
                    String id = reference.path("id").asText();
                    String type = reference.path("type").asText();
                    names.add(reference.path("name").asText());
                    usesDataView |= type.equals("index-pattern") && id.equals(DATA_VIEW_ID);
                    if (!type.equals(typeById.get(id))) {
                        problems.add(object.id() + ": reference " + reference + " resolves to no " + type + " in "
                                + file.file().getFileName());
                    }
                }
                for (String name : referenceNamesKibanaLooksUp(file, object)) {
                    if (!names.contains(name)) {
                        problems.add(object.id() + ": no reference named " + name);
                    }
                }
                if (!object.type().equals("index-pattern") && !usesDataView) {
                    problems.add(object.id() + ": does not reference the data view " + DATA_VIEW_ID);
                }
            }
        }
        assertThat(problems, is(empty()));

        SavedObject dataView = files.stream().flatMap(file -> file.objects().stream())
                .filter(object -> object.id().equals(DATA_VIEW_ID)).findFirst().orElseThrow();
        assertThat(dataView.type(), is("index-pattern"));
        assertThat(dataView.attributes().path("title").asText(), is("flowlens-spans-*"));
        assertThat(dataView.attributes().path("timeFieldName").asText(), is("@timestamp"));
    }

    @Test
    void everyFieldNameIsMappedByTheSpanIndexTemplate() {
        List<String> problems = new ArrayList<>();
        Set<String> places = new TreeSet<>();
        for (KibanaSavedObjects file : files) {
            for (KibanaSavedObjects.FieldUse use : file.fieldUses()) {
                places.add(use.where().substring(use.where().lastIndexOf('.') + 1));
                if (template.typeOf(use.field()).isEmpty()) {
                    problems.add(use.objectId() + " " + use.where() + ": " + use.field());
                }
            }
            for (KibanaSavedObjects.KqlUse use : file.kqlUses()) {
                for (String field : KqlQuery.parse(use.query()).fields()) {
                    if (template.typeOf(field).isEmpty()) {
                        problems.add(use.objectId() + " " + use.where() + ": " + field + " in " + use.query());
                    }
                }
            }
            for (KibanaSavedObjects.LensColumn column : file.lensColumns()) {
                String type = template.typeOf(column.field()).orElse("unmapped");
                if (!fits(column.operation(), type)) {
                    problems.add(column.objectId() + ": " + column.operation() + " of " + column.field() + " (" + type
                            + ")");
                }
            }
        }
        assertThat("fields outside the index template, or aggregated in a way their type does not allow",
                problems, is(empty()));
        // else the walk through the objects missed a kind of place and checked nothing there
        assertThat("kinds of places field names were found in", places, hasItems("timeFieldName", "fieldAttrs",
                "fieldFormatMap", "columns", "sort", "sourceField", "fieldName"));
    }

    @Test
    void everyKqlQueryFindsExactlyTheFixtureSpansItShould() throws IOException, InterruptedException {
        Set<String> queries = files.stream().flatMap(file -> file.kqlUses().stream())
                .map(KibanaSavedObjects.KqlUse::query).collect(Collectors.toCollection(TreeSet::new));
        assertThat("the queries of the saved objects, each with an expectation below", queries,
                is(EXPECTED_MATCHES.keySet()));

        JsonNode fixture = fixture();
        Set<String> fixtureIds = new TreeSet<>();
        fixture.fieldNames().forEachRemaining(fixtureIds::add);
        for (Map.Entry<String, Set<String>> expected : EXPECTED_MATCHES.entrySet()) {
            assertThat("expectation of " + expected.getKey() + " names fixture spans", fixtureIds,
                    hasItems(expected.getValue().toArray(String[]::new)));
            assertThat("expectation of " + expected.getKey() + " matches some, not all", expected.getValue().size(),
                    allOf(greaterThanOrEqualTo(1), lessThan(fixtureIds.size())));
        }

        String elasticsearch = SystemUnderTest.get().elasticsearch();
        indexFixture(elasticsearch, fixture);
        Map<String, String> mismatches = new TreeMap<>();
        for (Map.Entry<String, Set<String>> expected : EXPECTED_MATCHES.entrySet()) {
            KqlQuery query = KqlQuery.parse(expected.getKey());
            Set<String> found = search(elasticsearch, query.toLucene());
            if (!found.equals(expected.getValue())) {
                mismatches.put(query.kql(), "as Lucene " + query.toLucene() + " found " + new TreeSet<>(found)
                        + ", expected " + new TreeSet<>(expected.getValue()));
            }
        }
        assertThat(mismatches, is(Map.of()));
    }

    /** The reference names Kibana reads an object's own JSON for; a missing one leaves a panel or layer empty. */
    private static List<String> referenceNamesKibanaLooksUp(KibanaSavedObjects file, SavedObject object) {
        JsonNode attributes = object.attributes();
        List<String> names = new ArrayList<>();
        switch (object.type()) {
            case "search" -> names.add(file.jsonAttribute(attributes.path("kibanaSavedObjectMeta"), "searchSourceJSON")
                    .path("indexRefName").asText());
            case "lens" -> attributes.path("state").path("datasourceStates").path("formBased").path("layers")
                    .fieldNames().forEachRemaining(layer -> names.add("indexpattern-datasource-layer-" + layer));
            case "dashboard" -> {
                for (JsonNode panel : file.jsonAttribute(attributes, "panelsJSON")) {
                    names.add(panel.path("panelIndex").asText() + ":" + panel.path("panelRefName").asText());
                }
                file.jsonAttribute(attributes.path("controlGroupInput"), "panelsJSON").fieldNames()
                        .forEachRemaining(control -> names.add("controlGroup_" + control + ":optionsListDataView"));
            }
            case "index-pattern" -> {
                // a data view refers to nothing
            }
            default -> throw new AssertionError(object.id() + ": type " + object.type()
                    + " is not checked yet; teach referenceNamesKibanaLooksUp where it keeps its reference names");
        }
        return names;
    }

    /** Whether Lens can run {@code operation} on a field of this mapping type. */
    private static boolean fits(String operation, String type) {
        if (NUMERIC_OPERATIONS.contains(operation)) {
            return NUMERIC.contains(type);
        }
        return switch (operation) {
            case "date_histogram" -> type.equals("date");
            case "terms" -> type.equals("keyword") || type.equals("boolean") || NUMERIC.contains(type);
            default -> !type.equals("unmapped") && !type.equals("text");
        };
    }

    private static JsonNode fixture() throws IOException {
        try (InputStream in = KibanaSavedObjectsIT.class.getClassLoader().getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IllegalStateException(FIXTURE + " is not on the test classpath");
            }
            return JSON.readTree(in);
        }
    }

    /** A fresh fixture index with the template's settings and mappings, the fixture spans in it, searchable. */
    private static void indexFixture(String elasticsearch, JsonNode fixture) throws IOException, InterruptedException {
        send(elasticsearch, "DELETE", "/" + FIXTURE_INDEX + "?ignore_unavailable=true", null);
        ObjectNode index = JSON.createObjectNode();
        index.set("settings", template.settings());
        index.set("mappings", template.mappings());
        send(elasticsearch, "PUT", "/" + FIXTURE_INDEX, index.toString());

        StringBuilder bulk = new StringBuilder();
        for (Map.Entry<String, JsonNode> span : fixture.properties()) {
            ObjectNode action = JSON.createObjectNode();
            action.putObject("index").put("_index", FIXTURE_INDEX).put("_id", span.getKey());
            bulk.append(action).append('\n').append(span.getValue()).append('\n');
        }
        JsonNode answer = send(elasticsearch, "POST", "/_bulk?refresh=true", bulk.toString());
        if (answer.path("errors").asBoolean(true)) {
            throw new AssertionError("bulk indexing of the fixture failed: " + answer.toPrettyString());
        }
    }

    /** The ids of the fixture spans a Lucene query finds. */
    private static Set<String> search(String elasticsearch, String lucene) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("size", 1000).put("_source", false);
        body.putObject("query").putObject("query_string").put("query", lucene);
        JsonNode hits = send(elasticsearch, "POST", "/" + FIXTURE_INDEX + "/_search", body.toString()).path("hits");
        Set<String> ids = new HashSet<>();
        hits.path("hits").forEach(hit -> ids.add(hit.path("_id").asText()));
        assertThat("all hits of " + lucene + " returned", (long) ids.size(), is(hits.path("total").path("value").asLong()));
        return ids;
    }

    private static JsonNode send(String elasticsearch, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(elasticsearch + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", path.startsWith("/_bulk") ? "application/x-ndjson" : "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON from " + method + " " + path, e);
        }
    }
}
