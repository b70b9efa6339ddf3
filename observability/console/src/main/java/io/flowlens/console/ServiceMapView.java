package io.flowlens.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.flowlens.analytics.DependencyReport;
import io.flowlens.analytics.ServiceDependencies;
import io.flowlens.analytics.ServiceErrors;

/**
 * The service map: nodes (services, with their span and error counts; databases and unanswered calls as their own
 * nodes) and edges caller → callee with calls, error % and p95, as the analytics core measured them;
 * {@code traceShare} is below 1 when the edges were estimated from that share of the window's traces (a busy window).
 */
public record ServiceMapView(String window, double traceShare, List<Node> nodes, List<Edge> edges) {

    /**
     * A box on the map: a service, a database or calls nobody answered.
     *
     * @param kind {@code service}, {@code database} or {@code unanswered}
     */
    public record Node(String name, String kind, long spans, long errors, double errorPercent) {
    }

    public record Edge(String caller, String callee, long calls, long errors, double errorPercent, double p95Ms) {
    }

    static ServiceMapView of(String window, List<ServiceErrors> services, DependencyReport.Dependencies dependencies) {
        List<ServiceDependencies.Call> calls = dependencies.calls();
        Map<String, ServiceErrors> byName = new LinkedHashMap<>();
        services.forEach(s -> byName.put(s.service(), s));
        TreeSet<String> names = new TreeSet<>(byName.keySet());
        calls.forEach(c -> {
            names.add(c.caller());
            names.add(c.callee());
        });
        List<Node> nodes = new ArrayList<>();
        for (String name : names) {
            ServiceErrors counts = byName.get(name);
            long spans = counts == null ? 0 : counts.spans();
            long errors = counts == null ? 0 : counts.errors();
            nodes.add(new Node(name, kind(name), spans, errors, percent(errors, spans)));
        }
        List<Edge> edges = calls.stream().map(c -> new Edge(c.caller(), c.callee(), c.calls(), c.errors(),
                percent(c.errors(), c.calls()), c.p95Ms())).toList();
        return new ServiceMapView(window, dependencies.traceShare(), nodes, edges);
    }

    private static String kind(String name) {
        if (name.startsWith("db:")) {
            return "database";
        }
        return name.equals(ServiceDependencies.UNANSWERED) ? "unanswered" : "service";
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : Math.round(10_000.0 * part / whole) / 100.0;
    }
}
