package io.flowlens.analytics.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.FiltersBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowlens.analytics.ErrorRateReport;
import io.flowlens.analytics.IndexedSpan;
import io.flowlens.analytics.SpanStore;
import io.flowlens.analytics.TimeWindow;
import io.flowlens.exporter.elasticsearch.SpanFields;

/**
 * {@code alerts check}: measures in Elasticsearch what each rule needs and lets the rule judge. Answers every rule's
 * verdict (the CLI prints them and exits 1 when one fires, so a cron job or CI step can act on it).
 */
public final class AlertCheck {

    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(3);

    private final SpanStore store;
    private final HttpClient http;

    public AlertCheck(SpanStore store, HttpClient http) {
        this.store = store;
        this.http = http;
    }

    /** What one check found: every rule's verdict, in the order of the rules file. */
    public record Result(String source, String indexPattern, Instant until, List<AlertVerdict> verdicts) {

        public Result {
            verdicts = List.copyOf(verdicts);
        }

        public long firing() {
            return verdicts.stream().filter(AlertVerdict::firing).count();
        }
    }

    public Result run(AlertRules rules, Instant until) throws IOException {
        List<AlertVerdict> verdicts = new ArrayList<>();
        for (AlertRule rule : rules.rules()) {
            verdicts.add(evaluate(rule, TimeWindow.ending(until, rule.window())));
        }
        return new Result(rules.source(), store.indexPattern(), until, verdicts);
    }

    AlertVerdict evaluate(AlertRule rule, TimeWindow window) throws IOException {
        return switch (rule) {
            case ErrorRateRule errorRate -> errorRate.evaluate(new ErrorRateReport(store).measure(window));
            case SlowSpanRule slow -> {
                Query slower = SpanStore.all(window.query(), Query.of(q -> q.range(r -> r.number(n -> n
                        .field(SpanFields.DURATION_MS).gt(slow.thresholdMs())))));
                SearchResponse<JsonNode> worst = store.search(s -> s.query(slower).size(slow.show())
                        .trackTotalHits(t -> t.enabled(true))
                        .source(src -> src.filter(f -> f.includes(IndexedSpan.SOURCE_FIELDS)))
                        .sort(o -> o.field(f -> f.field(SpanFields.DURATION_MS).order(SortOrder.Desc))), JsonNode.class);
                yield slow.evaluate(worst.hits().total().value(),
                        worst.hits().hits().stream().map(Hit::source).map(IndexedSpan::fromSource).toList());
            }
            case ServiceDownRule down -> {
                Map<String, Long> spans = new LinkedHashMap<>();
                new ErrorRateReport(store).measure(window).forEach(s -> spans.put(s.service(), s.spans()));
                Map<String, String> failures = new LinkedHashMap<>();
                down.health().forEach((service, url) -> readinessFailure(url).ifPresent(f -> failures.put(service, f)));
                yield down.evaluate(spans, failures);
            }
            case TrafficAnomalyRule traffic -> {
                // the last window and the baseline windows before it, counted in one filters aggregation
                Map<String, Query> windows = new LinkedHashMap<>();
                TimeWindow each = window;
                for (int i = 0; i <= traffic.baselineWindows(); i++) {
                    windows.put(String.valueOf(i), each.query());
                    each = each.previous();
                }
                SearchResponse<Void> response = store.aggregate(SpanStore.kind("SERVER"), s -> s
                        .aggregations("windows", a -> a.filters(f -> f.filters(b -> b.keyed(windows)))));
                Map<String, FiltersBucket> counts = response.aggregations().get("windows").filters().buckets().keyed();
                List<Long> previous = new ArrayList<>();
                for (int i = 1; i <= traffic.baselineWindows(); i++) {
                    previous.add(counts.get(String.valueOf(i)).docCount());
                }
                yield traffic.evaluate(counts.get("0").docCount(), previous);
            }
        };
    }

    /** Empty when the URL answered 2xx in time, else how it failed. */
    private Optional<String> readinessFailure(URI url) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url).timeout(HEALTH_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? Optional.empty()
                    : Optional.of("HTTP " + response.statusCode() + " from " + url);
        } catch (IOException e) {
            return Optional.of("no answer from " + url + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while asking " + url);
        }
    }
}
