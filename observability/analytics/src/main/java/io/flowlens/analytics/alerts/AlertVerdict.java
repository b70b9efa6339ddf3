package io.flowlens.analytics.alerts;

import java.util.List;

/**
 * What one alert rule concluded: firing or not, one line saying why (with the numbers), and detail lines such as the
 * trace ids of the worst spans.
 */
public record AlertVerdict(String rule, boolean firing, String why, List<String> details) {

    public AlertVerdict {
        details = List.copyOf(details);
    }

    static AlertVerdict ok(String rule, String why) {
        return new AlertVerdict(rule, false, why, List.of());
    }
}
