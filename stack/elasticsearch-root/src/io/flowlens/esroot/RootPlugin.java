package io.flowlens.esroot;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;

/**
 * Gives the Maven Central integ-test Elasticsearch the {@code GET /} and {@code HEAD /} its zip leaves out (the full
 * distribution's rest-root module is not published). Jaeger's Elasticsearch client needs {@code HEAD /} to answer
 * 2xx: after a refused connection its bulk writer waits for exactly that health check before it writes again, so
 * without it Jaeger stops storing spans for good after an Elasticsearch restart.
 */
public final class RootPlugin extends Plugin implements ActionPlugin {

    private final Settings settings;

    public RootPlugin(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Collection<RestHandler> getRestHandlers(Settings nodeSettings, NamedWriteableRegistry namedWriteableRegistry,
            RestController restController, ClusterSettings clusterSettings, IndexScopedSettings indexScopedSettings,
            SettingsFilter settingsFilter, IndexNameExpressionResolver indexNameExpressionResolver,
            Supplier<DiscoveryNodes> nodesInCluster, Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new RootRestHandler(settings));
    }
}
