package io.flowlens.analytics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The same traces as two stores hold them, compared span by span ({@code span_id} within the trace): spans Jaeger has
 * and Elasticsearch lacks are missing, the reverse are extra.
 */
public final class TraceComparison {

    private TraceComparison() {
    }

    /** How one trace compares, with the words the report prints. */
    public enum State {
        OK("ok"), DIFFERS("differs"), NOT_IN_ES("not in ES"), NOT_IN_JAEGER("not in Jaeger"),
        /** The same span ids, a different count: a span indexed twice. */
        DUPLICATES("duplicates");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One trace's difference; consistent when nothing is missing or extra and the counts agree (a span indexed
     * twice changes only the count).
     */
    public record TraceDiff(String traceId, int jaegerSpans, int elasticsearchSpans, List<IndexedSpan> missing,
                            List<IndexedSpan> extra) {

        public boolean consistent() {
            return missing.isEmpty() && extra.isEmpty() && jaegerSpans == elasticsearchSpans;
        }

        public State state() {
            if (consistent()) {
                return State.OK;
            }
            if (jaegerSpans == 0) {
                return State.NOT_IN_JAEGER;
            }
            if (elasticsearchSpans == 0) {
                return State.NOT_IN_ES;
            }
            if (missing.isEmpty() && extra.isEmpty()) {
                return State.DUPLICATES;
            }
            return State.DIFFERS;
        }
    }

    /**
     * Each trace's spans in Jaeger against those in the span indices.
     *
     * @param jaeger        spans by trace id as Jaeger returned them
     * @param elasticsearch spans by trace id from the span indices
     * @return one entry per trace id in either, sorted by trace id
     */
    public static List<TraceDiff> compare(Map<String, List<IndexedSpan>> jaeger,
                                          Map<String, List<IndexedSpan>> elasticsearch) {
        Set<String> traceIds = new TreeSet<>(jaeger.keySet());
        traceIds.addAll(elasticsearch.keySet());
        return traceIds.stream().map(id -> {
            List<IndexedSpan> inJaeger = jaeger.getOrDefault(id, List.of());
            List<IndexedSpan> inElasticsearch = elasticsearch.getOrDefault(id, List.of());
            return new TraceDiff(id, inJaeger.size(), inElasticsearch.size(), notIn(inJaeger, inElasticsearch),
                    notIn(inElasticsearch, inJaeger));
        }).toList();
    }

    /** The spans of {@code these} whose id {@code others} lacks. */
    private static List<IndexedSpan> notIn(List<IndexedSpan> these, Collection<IndexedSpan> others) {
        Set<String> ids = others.stream().map(IndexedSpan::spanId).collect(Collectors.toSet());
        return these.stream().filter(span -> !ids.contains(span.spanId())).toList();
    }
}
