package io.flowlens.analytics.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.flowlens.analytics.Figures;
import io.flowlens.analytics.ServiceErrors;
import io.flowlens.analytics.TimeWindow;

/**
 * Fires when a service's error spans exceed {@code maxErrorPercent} of its spans over the window. Services with
 * fewer than {@code minSpans} spans are not judged: one error in two spans is 50 % but says nothing, and a quiet
 * service is the service-down rule's business.
 */
public record ErrorRateRule(String name, Duration window, double maxErrorPercent, long minSpans) implements AlertRule {

    public AlertVerdict evaluate(List<ServiceErrors> services) {
        String over = "over " + TimeWindow.format(window);
        List<ServiceErrors> judged = services.stream().filter(s -> s.spans() >= minSpans).toList();
        long notJudged = (long) services.size() - judged.size();
        String unjudged = notJudged == 0 ? "" : "; " + notJudged + " service(s) with fewer than " + minSpans
                + " spans not judged";
        List<ServiceErrors> failing = judged.stream().filter(s -> s.percent() > maxErrorPercent)
                .sorted(Comparator.comparingDouble(ServiceErrors::percent).reversed()).toList();
        if (!failing.isEmpty()) {
            List<String> details = new ArrayList<>();
            for (ServiceErrors service : failing) {
                details.add(describe(service));
            }
            return new AlertVerdict(name, true, String.join(", ", details) + " > " + Figures.number(maxErrorPercent) + " % "
                    + over, details);
        }
        Optional<ServiceErrors> highest = judged.stream().max(Comparator.comparingDouble(ServiceErrors::percent));
        return AlertVerdict.ok(name, highest
                .map(s -> "highest " + describe(s) + " <= " + Figures.number(maxErrorPercent) + " % " + over + unjudged)
                .orElse("no service with at least " + minSpans + " spans " + over + unjudged));
    }

    private static String describe(ServiceErrors service) {
        return service.service() + " " + Figures.percent(service.errors(), service.spans()) + " % errors ("
                + service.errors() + " of " + service.spans() + " spans)";
    }
}
