package io.flowlens.analytics.alerts;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.flowlens.analytics.TimeWindow;

/**
 * Fires when the requests (SERVER spans) of the last window are outside [baseline / factor, baseline × factor],
 * the baseline being the median of the {@code baselineWindows} windows before it: the median, so one earlier spike
 * or outage does not move the baseline. Below {@code minBaseline} requests per window nothing is judged, since at a
 * handful of requests a factor of three is noise.
 */
public record TrafficAnomalyRule(String name, Duration window, int baselineWindows, double factor, long minBaseline)
        implements AlertRule {

    /**
     * Firing when the requests of the last window are outside the factor around the median of the windows before.
     *
     * @param current  requests in the last window
     * @param previous requests in each of the windows before it
     */
    public AlertVerdict evaluate(long current, List<Long> previous) {
        double baseline = median(previous);
        String numbers = current + " requests in the last " + TimeWindow.format(window) + ", baseline "
                + format(baseline) + " (median of " + previous.size() + " windows before)";
        if (baseline < minBaseline) {
            return AlertVerdict.ok(name, numbers + " is below the minimum of " + minBaseline + " to judge");
        }
        double low = baseline / factor;
        double high = baseline * factor;
        String range = "[" + format(low) + ", " + format(high) + "]";
        if (current < low || current > high) {
            return new AlertVerdict(name, true, numbers + ", outside " + range, List.of());
        }
        return AlertVerdict.ok(name, numbers + ", within " + range);
    }

    static double median(List<Long> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
