package io.flowlens.analytics.alerts;

import java.time.Duration;

/**
 * One rule of {@code alerts check}. Each kind evaluates plain numbers (so the unit tests can hand it any), and
 * {@link AlertCheck} measures those numbers in Elasticsearch.
 */
public sealed interface AlertRule permits ErrorRateRule, SlowSpanRule, ServiceDownRule, TrafficAnomalyRule {

    String name();

    /** The span start times the rule looks at, ending at the check's {@code --until} (default now). */
    Duration window();
}
