package io.flowlens.analytics.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.flowlens.analytics.TimeWindow;

/**
 * Fires when an expected service sent no span over the window (it is down, or no longer traced), or when its
 * readiness URL, if one is configured, does not answer 2xx.
 *
 * @param health per service, the URL of its {@code /health/ready}; services without one are judged by spans only
 */
public record ServiceDownRule(String name, Duration window, List<String> services, Map<String, URI> health)
        implements AlertRule {

    public ServiceDownRule {
        services = List.copyOf(services);
        health = Map.copyOf(health);
    }

    /**
     * Firing for each expected service that sent no span over the window or whose readiness check failed.
     *
     * @param spansByService span counts over the window (a service with none may be absent)
     * @param healthFailures per service whose readiness check failed, how (HTTP 503, connection refused)
     */
    public AlertVerdict evaluate(Map<String, Long> spansByService, Map<String, String> healthFailures) {
        List<String> down = new ArrayList<>();
        for (String service : services) {
            long spans = spansByService.getOrDefault(service, 0L);
            String failure = healthFailures.get(service);
            if (spans == 0) {
                down.add(service + ": no spans over " + TimeWindow.format(window)
                        + (failure == null ? "" : ", readiness " + failure));
            } else if (failure != null) {
                down.add(service + ": readiness " + failure + " (" + spans + " spans)");
            }
        }
        if (down.isEmpty()) {
            return AlertVerdict.ok(name, "all " + services.size() + " services sent spans over "
                    + TimeWindow.format(window) + (health.isEmpty() ? "" : " and answered readiness"));
        }
        return new AlertVerdict(name, true, String.join("; ", down), down);
    }
}
