package io.flowlens.servercheck;

import io.helidon.microprofile.server.ServerCdiExtension;
import io.helidon.webserver.http.HttpRouting;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.interceptor.Interceptor;

/**
 * Something a bean adds to Helidon's routing of the application (a filter, an error handler): {@link #addTo} runs
 * once, when CDI has started and before Helidon builds the routing, which its own start observer does at
 * {@code PLATFORM_AFTER + 100}. A bean that extends this inherits the observer (CDI inherits observer methods).
 */
public abstract class RoutingAddition {

    protected void register(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER)
                            @Initialized(ApplicationScoped.class) Object starting, BeanManager beans) {
        addTo(beans.getExtension(ServerCdiExtension.class).serverRoutingBuilder());
    }

    protected abstract void addTo(HttpRouting.Builder routing);
}
