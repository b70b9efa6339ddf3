package io.flowlens.analytics.alerts;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.flowlens.analytics.IndexedSpan;
import io.flowlens.analytics.ServiceErrors;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

class AlertRuleTest {

    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    private final ErrorRateRule errorRate = new ErrorRateRule("error-rate", FIVE_MINUTES, 5, 20);

    @Test
    void errorRateAboveThresholdFiresNamingTheService() {
        AlertVerdict verdict = errorRate.evaluate(List.of(new ServiceErrors("orders", 100, 2),
                new ServiceErrors("payments", 40, 5)));
        assertThat(verdict.firing(), is(true));
        assertThat(verdict.why(), is("payments 12.50 % errors (5 of 40 spans) > 5 % over 5m"));
    }

    @Test
    void errorRateExactlyAtThresholdDoesNotFire() {
        assertThat(errorRate.evaluate(List.of(new ServiceErrors("orders", 100, 5))).firing(), is(false));
        assertThat(errorRate.evaluate(List.of(new ServiceErrors("orders", 100, 6))).firing(), is(true));
    }

    @Test
    void oneErrorInTwoSpansIsNotAnAlertBelowTheMinimumSpanCount() {
        AlertVerdict verdict = errorRate.evaluate(List.of(new ServiceErrors("users", 2, 1),
                new ServiceErrors("orders", 19, 19)));
        assertThat(verdict.firing(), is(false));
        assertThat(verdict.why(), is("no service with at least 20 spans over 5m; 2 service(s) with fewer than 20 spans "
                + "not judged"));
        assertThat(errorRate.evaluate(List.of(new ServiceErrors("orders", 20, 2))).firing(), is(true));
    }

    @Test
    void errorRateOkSaysTheHighestRate() {
        AlertVerdict verdict = errorRate.evaluate(List.of(new ServiceErrors("orders", 50, 1),
                new ServiceErrors("users", 200, 8)));
        assertThat(verdict.why(), is("highest users 4.00 % errors (8 of 200 spans) <= 5 % over 5m"));
    }

    @Test
    void slowSpansFireWhenAnySpanIsOverTheThresholdAndListTheWorst() {
        SlowSpanRule rule = new SlowSpanRule("slow-spans", FIVE_MINUTES, 2000, 5);
        assertThat(rule.evaluate(0, List.of()).firing(), is(false));
        IndexedSpan worst = new IndexedSpan(Instant.EPOCH, "abc", "s1", "", "payments", "POST /payments", "SERVER",
                false, 3456.78, "");
        AlertVerdict verdict = rule.evaluate(3, List.of(worst));
        assertThat(verdict.firing(), is(true));
        assertThat(verdict.why(), is("3 span(s) slower than 2000 ms over 5m, worst 3456.8 ms"));
        assertThat(verdict.details(), contains("3456.8 ms payments POST /payments trace abc"));
    }

    @Test
    void serviceWithoutSpansOrFailingReadinessIsDown() {
        ServiceDownRule rule = new ServiceDownRule("service-down", FIVE_MINUTES, List.of("users", "orders", "payments"),
                Map.of("orders", URI.create("http://127.0.0.1:8002/health/ready")));
        assertThat(rule.evaluate(Map.of("users", 3L, "orders", 1L, "payments", 9L), Map.of()).firing(), is(false));

        AlertVerdict silent = rule.evaluate(Map.of("users", 3L, "orders", 1L), Map.of());
        assertThat(silent.firing(), is(true));
        assertThat(silent.why(), is("payments: no spans over 5m"));

        AlertVerdict unready = rule.evaluate(Map.of("users", 3L, "orders", 1L, "payments", 9L),
                Map.of("orders", "HTTP 503 from http://127.0.0.1:8002/health/ready"));
        assertThat(unready.firing(), is(true));
        assertThat(unready.why(), is("orders: readiness HTTP 503 from http://127.0.0.1:8002/health/ready (1 spans)"));
    }

    @Test
    void trafficOutsideBaselineTimesOrOverFactorFires() {
        TrafficAnomalyRule rule = new TrafficAnomalyRule("traffic", FIVE_MINUTES, 4, 3, 30);
        List<Long> baseline = List.of(40L, 60L, 50L, 1000L); // median 55: the one spike does not move it
        assertThat(rule.evaluate(165, baseline).firing(), is(false));
        assertThat(rule.evaluate(166, baseline).firing(), is(true));
        assertThat(rule.evaluate(18, baseline).firing(), is(true));
        assertThat(rule.evaluate(18, baseline).why(), is("18 requests in the last 5m, baseline 55 (median of 4 windows "
                + "before), outside [18.3, 165]"));
        assertThat(rule.evaluate(19, baseline).firing(), is(false));
    }

    @Test
    void trafficIsNotJudgedOnATinyBaseline() {
        TrafficAnomalyRule rule = new TrafficAnomalyRule("traffic", FIVE_MINUTES, 3, 3, 30);
        AlertVerdict verdict = rule.evaluate(500, List.of(10L, 12L, 11L));
        assertThat(verdict.firing(), is(false));
        assertThat(verdict.why(), is("500 requests in the last 5m, baseline 11 (median of 3 windows before) is below the "
                + "minimum of 30 to judge"));
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertThat(TrafficAnomalyRule.median(List.of(3L, 1L, 2L)), is(2.0));
        assertThat(TrafficAnomalyRule.median(List.of(4L, 1L, 2L, 3L)), is(2.5));
        assertThat(TrafficAnomalyRule.median(List.of()), is(0.0));
    }
}
