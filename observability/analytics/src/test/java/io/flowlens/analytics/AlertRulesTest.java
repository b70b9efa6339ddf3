package io.flowlens.analytics;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        assertThat(error.getMessage(), containsString("rule errors: unknown key 'max-error-percnt'"));
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
        assertThrows(UsageException.class, () -> AlertRules.load(Optional.of(java.nio.file.Path.of("/no/such/file")),
                Optional.empty()));
    }

    private static AlertRules parse(String yaml, Optional<Duration> window) {
        return AlertRules.parse("test.yaml", new StringReader(yaml), window);
    }
}
