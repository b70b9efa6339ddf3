package io.flowlens.servercheck;

import io.helidon.microprofile.server.ServerCdiExtension;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.interceptor.Interceptor;

/**
 * Fails the start of a process whose web server is not listening. Helidon 4.1.6 logs a port it cannot bind ("Helidon
 * WebServer failed to start"), starts the CDI container anyway on port -1, and the JVM then ends with exit code 0, so
 * a supervisor or a script saw a clean stop instead of a failed start. Runs right after Helidon's own start observer
 * (priority {@code PLATFORM_AFTER + 100}); the exception fails the container's start, and the JVM exits non-zero.
 */
@ApplicationScoped
public class ListeningOrFail {

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 101) @Initialized(ApplicationScoped.class)
               Object started, BeanManager beans) {
        int port = beans.getExtension(ServerCdiExtension.class).port();
        if (port <= 0) {
            throw new DeploymentException("the web server is not listening (port " + port + "; the error above says"
                    + " why): the process stops instead of running without its port");
        }
    }
}
