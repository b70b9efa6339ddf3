package io.flowlens.exporter.elasticsearch;

import java.io.IOException;
import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpanIndexTest {

    private final SpanIndex index = new SpanIndex("flowlens-spans");

    @Test
    void dailyIndexIsTheUtcDayOfTheSpanStart() {
        // 2023-11-14T23:59:59.9Z and one second later, the next UTC day
        assertThat(index.nameFor(1_700_006_399_900_000_000L), is("flowlens-spans-2023.11.14"));
        assertThat(index.nameFor(1_700_006_400_900_000_000L), is("flowlens-spans-2023.11.15"));
        assertThat(index.nameFor(LocalDate.of(2025, 3, 1)), is("flowlens-spans-2025.03.01"));
        assertThat(index.pattern(), is("flowlens-spans-*"));
    }

    @Test
    void dayIsReadBackOnlyFromExactDailyNames() {
        assertThat(index.dayOf("flowlens-spans-2025.03.01"), is(Optional.of(LocalDate.of(2025, 3, 1))));
        assertThat(index.dayOf("flowlens-spans-2024.02.29"), is(Optional.of(LocalDate.of(2024, 2, 29))));
        assertThat(index.dayOf(index.nameFor(LocalDate.of(1999, 12, 31))), is(Optional.of(LocalDate.of(1999, 12, 31))));
        for (String other : List.of("flowlens-spans-2025.3.1", "flowlens-spans-2025-03-01", "flowlens-spans-2025.03.01-x",
                "x-flowlens-spans-2025.03.01", "flowlens-spans-extra-2025.03.01", "flowlens-spans-2025.13.01",
                "flowlens-spans-2025.02.30", "flowlens-spans-2023.02.29", "flowlens-spans", "flowlens-spans-",
                "flowlens-spansX2025.03.01", ".ds-flowlens-spans-2025.03.01-000001", "flowlens-spans-20250.03.01",
                "flowlens-spans-+2025.03.01")) {
            assertThat(other, index.dayOf(other), is(Optional.empty()));
        }
    }

    @Test
    void prefixIsTakenLiterallyNotAsARegularExpression() {
        SpanIndex dotted = new SpanIndex("a.b");
        assertThat(dotted.dayOf("aXb-2025.03.01"), is(Optional.empty()));
        assertThat(dotted.dayOf("a.b-2025.03.01"), is(Optional.of(LocalDate.of(2025, 3, 1))));
    }

    @Test
    void indexPrefixMustBeAValidIndexName() {
        assertThrows(IllegalArgumentException.class, () -> new SpanIndex("Spans"));
        assertThrows(IllegalArgumentException.class, () -> new SpanIndex("a/b"));
        assertThrows(IllegalArgumentException.class, () -> new SpanIndex("spans-*"));
    }

    @Test
    void templateCarriesTheReplicasAskedForAndKeepsTheRest() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode single = json.readTree(SpanIndex.template(0));
        JsonNode cluster = json.readTree(SpanIndex.template(1));
        assertThat(single.at("/template/settings/number_of_replicas").asInt(), is(0));
        assertThat(cluster.at("/template/settings/number_of_replicas").asInt(), is(1));
        assertThat(cluster.at("/template/settings/number_of_shards").asInt(), is(1));
        assertThat(cluster.at("/template/mappings"), is(single.at("/template/mappings")));
        assertThrows(IllegalArgumentException.class, () -> SpanIndex.template(-1));
    }

    @Test
    void endpointsOfAClusterAreOneCommaSeparatedValue() {
        assertThat(ElasticsearchConnection.endpoints("http://127.0.0.1:9200"), is(List.of(URI.create("http://127.0.0.1:9200"))));
        assertThat(ElasticsearchConnection.endpoints(" http://a:9200, http://b:9201 ,"),
                is(List.of(URI.create("http://a:9200"), URI.create("http://b:9201"))));
        assertThrows(IllegalArgumentException.class, () -> ElasticsearchConnection.endpoints(" , "));
    }
}
