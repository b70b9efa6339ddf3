package io.flowlens.console;

import java.util.List;

import io.flowlens.analytics.DependencyReport;
import io.flowlens.analytics.ServiceDependencies;
import io.flowlens.analytics.ServiceErrors;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

class ServiceMapViewTest {

    @Test
    void nodesAreTheServicesAndTheCalleesEdgesCarryErrorPercentAndP95() {
        ServiceMapView map = ServiceMapView.of("15m",
                List.of(new ServiceErrors("orchestrator", 100, 3), new ServiceErrors("payments", 40, 0)),
                new DependencyReport.Dependencies(List.of(new ServiceDependencies.Call("orchestrator", "payments", 8, 1, 120.5),
                        new ServiceDependencies.Call("payments", "db:h2", 16, 0, 2.0)), 1));

        assertThat(map.nodes().stream().map(ServiceMapView.Node::name).toList(),
                contains("db:h2", "orchestrator", "payments"));
        assertThat(map.nodes().get(0).kind(), is("database"));
        assertThat(map.nodes().get(1).errorPercent(), is(3.0));
        ServiceMapView.Edge edge = map.edges().get(0);
        assertThat(edge.errorPercent(), is(12.5));
        assertThat(edge.p95Ms(), is(120.5));
        assertThat(map.traceShare(), is(1.0));
    }

    @Test
    void anUnansweredCallIsANodeOfItsOwnKind() {
        ServiceMapView map = ServiceMapView.of("15m", List.of(),
                new DependencyReport.Dependencies(
                        List.of(new ServiceDependencies.Call("orchestrator", ServiceDependencies.UNANSWERED, 2, 2, 3000)), 1));

        assertThat(map.nodes().stream().map(ServiceMapView.Node::kind).toList(), contains("unanswered", "service"));
        assertThat(map.edges().get(0).errorPercent(), is(100.0));
    }
}
