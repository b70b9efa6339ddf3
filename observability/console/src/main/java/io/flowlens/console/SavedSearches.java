package io.flowlens.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The seed's saved searches, read from the Kibana saved objects ({@code compose/kibana/saved-objects/flowlens.ndjson},
 * copied into this jar by the build), so the console offers exactly the queries Kibana has, in their language (KQL).
 */
final class SavedSearches {

    /** One saved search: Kibana's title and its KQL query. */
    record Search(String title, String query) {
    }

    static final String RESOURCE = "flowlens.ndjson";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SavedSearches() {
    }

    /** Every {@code search} object's title and KQL query, in the file's order. */
    static List<Search> load() {
        try (InputStream in = SavedSearches.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " (the Kibana saved objects) is missing from the console jar");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Search> parse(List<String> ndjson) throws IOException {
        List<Search> searches = new ArrayList<>();
        for (String line : ndjson) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode object = JSON.readTree(line);
            if (!object.path("type").asText().equals("search")) {
                continue;
            }
            JsonNode attributes = object.path("attributes");
            // Kibana keeps the search source as JSON inside a string
            JsonNode source = JSON.readTree(attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON")
                    .asText("{}"));
            JsonNode query = source.path("query");
            if (query.path("language").asText().equals("kuery") && !query.path("query").asText().isBlank()) {
                searches.add(new Search(attributes.path("title").asText(), query.path("query").asText()));
            }
        }
        return List.copyOf(searches);
    }
}
