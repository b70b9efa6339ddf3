package io.flowlens.analytics.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.flowlens.analytics.UsageException;

/**
 * The rules file as written (see alert-rules.yaml): what Jackson reads, before defaults and checks turn each entry
 * into an {@link AlertRule}. Every key is a record component, so an unknown key is an unknown property to Jackson.
 *
 * @param window for every rule without its own; 5m when absent
 */
record RulesFile(String window, List<Entry> rules) {

    /** One entry of {@code rules:}, its {@code type} choosing the record. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ErrorRateEntry.class, name = "error-rate"),
            @JsonSubTypes.Type(value = SlowSpansEntry.class, name = "slow-spans"),
            @JsonSubTypes.Type(value = ServiceDownEntry.class, name = "service-down"),
            @JsonSubTypes.Type(value = TrafficAnomalyEntry.class, name = "traffic-anomaly")})
    sealed interface Entry permits ErrorRateEntry, SlowSpansEntry, ServiceDownEntry, TrafficAnomalyEntry {

        String name();

        /** The rule's own window, {@code null} when it has none. */
        String window();

        /** The rule, with {@code window} when the entry names none. */
        AlertRule toRule(Duration window, Problems problems);
    }

    /** Turns a bad value into a usage error that names the file and the rule. */
    interface Problems {
        UsageException invalid(String problem);

        default double positive(String key, Number value) {
            if (value == null) {
                throw invalid("'" + key + "' is required");
            }
            if (value.doubleValue() <= 0) {
                throw invalid("'" + key + "' must be a positive number, was " + value);
            }
            return value.doubleValue();
        }
    }

    record ErrorRateEntry(String name, String window,
                          @JsonProperty("max-error-percent") Double maxErrorPercent,
                          @JsonProperty("min-spans") Long minSpans) implements Entry {

        @Override
        public AlertRule toRule(Duration window, Problems problems) {
            return new ErrorRateRule(name, window, problems.positive("max-error-percent", maxErrorPercent),
                    (long) problems.positive("min-spans", minSpans));
        }
    }

    /** @param show how many of the slowest spans to list; 5 when absent */
    record SlowSpansEntry(String name, String window,
                          @JsonProperty("threshold-ms") Double thresholdMs,
                          Integer show) implements Entry {

        @Override
        public AlertRule toRule(Duration window, Problems problems) {
            return new SlowSpanRule(name, window, problems.positive("threshold-ms", thresholdMs),
                    show == null ? 5 : (int) problems.positive("show", show));
        }
    }

    /** @param health optional readiness URL per service */
    record ServiceDownEntry(String name, String window, List<String> services, Map<String, URI> health)
            implements Entry {

        @Override
        public AlertRule toRule(Duration window, Problems problems) {
            if (services == null || services.isEmpty()) {
                throw problems.invalid("'services' must be a non-empty list");
            }
            return new ServiceDownRule(name, window, services, health == null ? Map.of() : health);
        }
    }

    record TrafficAnomalyEntry(String name, String window,
                               @JsonProperty("baseline-windows") Integer baselineWindows,
                               Double factor,
                               @JsonProperty("min-baseline") Long minBaseline) implements Entry {

        @Override
        public AlertRule toRule(Duration window, Problems problems) {
            return new TrafficAnomalyRule(name, window, (int) problems.positive("baseline-windows", baselineWindows),
                    problems.positive("factor", factor), (long) problems.positive("min-baseline", minBaseline));
        }
    }
}
