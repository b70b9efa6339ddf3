package io.flowlens.analytics.alerts;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.flowlens.analytics.UsageException;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AlertRulesTest {

    @Test
    void builtInRulesAreTheFourDocumentedOnes() {
        AlertRules rules = AlertRules.load(Optional.empty(), Optional.empty());
        Duration five = Duration.ofMinutes(5);
        assertThat(rules.rules(), is(List.of(
                new ErrorRateRule("error-rate", five, 5, 20),
                new SlowSpanRule("slow-spans", five, 2000, 5),
                new ServiceDownRule("service-down", five, List.of("orchestrator", "users", "orders", "payments"),
                        Map.of()),
                new TrafficAnomalyRule("traffic-anomaly", five, 6, 3, 30))));
    }

    @Test
    void windowOptionReplacesEveryRulesWindow() {
        AlertRules rules = parse("""
                window: 10m
                rules:
                  - {name: a, type: slow-spans, threshold-ms: 100, window: 1h}
                  - {name: b, type: slow-spans, threshold-ms: 100}
                """, Optional.empty());
        assertThat(rules.rules().stream().map(AlertRule::window).toList(),
                is(List.of(Duration.ofHours(1), Duration.ofMinutes(10))));
        AlertRules overridden = parse("""
                rules:
                  - {name: a, type: slow-spans, threshold-ms: 100, window: 1h}
                """, Optional.of(Duration.ofMinutes(2)));
        assertThat(overridden.rules().get(0).window(), is(Duration.ofMinutes(2)));
    }

    @Test
    void healthUrlsAreReadPerService() {
        AlertRules rules = parse("""
                rules:
                  - name: down
                    type: service-down
                    services: [users]
                    health: {users: "http://127.0.0.1:8001/health/ready"}
                """, Optional.empty());
        assertThat(((ServiceDownRule) rules.rules().get(0)).health(),
                is(Map.of("users", URI.create("http://127.0.0.1:8001/health/ready"))));
    }

    @Test
    void misspeltKeyIsRejectedRatherThanIgnored() {
        UsageException error = assertThrows(UsageException.class, () -> parse("""
                rules:
                  - {name: errors, type: error-rate, max-error-percnt: 5, min-spans: 20}
                """, Optional.empty()));
        assertThat(error.getMessage(), containsString("rules file test.yaml, rule errors: unknown key 'max-error-percnt' "
                + "(known: type, max-error-percent, min-spans, name, window)"));
        UsageException topLevel = assertThrows(UsageException.class, () -> parse("""
                windw: 5m
                rules: [{name: a, type: slow-spans, threshold-ms: 100}]
                """, Optional.empty()));
        assertThat(topLevel.getMessage(), containsString("the file: unknown key 'windw' (known: rules, window)"));
    }

    @Test
    void badValuesAreNamedWithTheirRule() {
        assertThat(assertThrows(UsageException.class, () -> parse("rules: [{name: x, type: nonsense}]", Optional.empty()))
                .getMessage(), containsString("rule x: unknown type 'nonsense' (error-rate, slow-spans, service-down, "
                + "traffic-anomaly)"));
        assertThat(assertThrows(UsageException.class, () -> parse("rules: [{name: x}]", Optional.empty()))
                .getMessage(), containsString("rule x: 'type' is required"));
        assertThat(assertThrows(UsageException.class, () -> parse("rules: [{name: x, type: slow-spans}]",
                Optional.empty())).getMessage(), containsString("rule x: 'threshold-ms' is required"));
        assertThat(assertThrows(UsageException.class, () -> parse("rules: [{name: x, type: slow-spans, threshold-ms: abc}]",
                Optional.empty())).getMessage(), containsString("rule x: 'threshold-ms' has a value of the wrong kind"));
        assertThat(assertThrows(UsageException.class, () -> parse("rules: [{name: x, type: slow-spans, threshold-ms: 1, "
                + "window: soon}]", Optional.empty())).getMessage(),
                containsString("rule x, window: 'soon' is not a duration"));
        assertThat(assertThrows(UsageException.class, () -> parse("rules: [{name: x, type: service-down}]",
                Optional.empty())).getMessage(), containsString("rule x: 'services' must be a non-empty list"));
    }

    @Test
    void badFilesAreUsageErrors() {
        assertThrows(UsageException.class, () -> parse("rules: []", Optional.empty()));
        assertThrows(UsageException.class, () -> parse("rules: [{name: x, type: nonsense}]", Optional.empty()));
        assertThrows(UsageException.class, () -> parse("rules: [{name: x, type: slow-spans}]", Optional.empty()));
        assertThrows(UsageException.class, () -> parse("rules: [{name: x, type: slow-spans, threshold-ms: -1}]",
                Optional.empty()));
        assertThrows(UsageException.class, () -> parse("""
                rules:
                  - {name: x, type: slow-spans, threshold-ms: 1}
                  - {name: x, type: slow-spans, threshold-ms: 2}
                """, Optional.empty()));
        assertThrows(UsageException.class, () -> parse("rules: [unclosed", Optional.empty()));
        assertThrows(UsageException.class, () -> parse("", Optional.empty()));
        assertThrows(UsageException.class, () -> parse("window: 5m\nwindow: 6m\nrules: [{name: x, type: slow-spans, "
                + "threshold-ms: 1}]", Optional.empty()));
        assertThrows(UsageException.class, () -> AlertRules.load(Optional.of(java.nio.file.Path.of("/no/such/file")),
                Optional.empty()));
    }

    private static AlertRules parse(String yaml, Optional<Duration> window) {
        try {
            return AlertRules.parse("test.yaml", new StringReader(yaml), window);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
