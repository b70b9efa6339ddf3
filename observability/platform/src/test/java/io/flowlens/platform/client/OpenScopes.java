package io.flowlens.platform.client;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.ContextStorageProvider;
import io.opentelemetry.context.Scope;

/**
 * The default thread-local context storage, keeping every scope it hands out until that scope is closed, so a test
 * can see a scope that was left open. Found by OpenTelemetry through
 * {@code META-INF/services/io.opentelemetry.context.ContextStorageProvider} (the only provider on the test class path,
 * so it is picked without a system property); it changes nothing else.
 */
public final class OpenScopes implements ContextStorageProvider {

    private static final Set<Scope> OPEN = ConcurrentHashMap.newKeySet();

    /** The scopes opened and not closed yet, on any thread. */
    static List<Scope> open() {
        return List.copyOf(OPEN);
    }

    @Override
    public ContextStorage get() {
        ContextStorage delegate = ContextStorage.defaultStorage();
        return new ContextStorage() {
            @Override
            public Scope attach(Context toAttach) {
                Scope scope = delegate.attach(toAttach);
                Scope tracked = new Scope() {
                    @Override
                    public void close() {
                        OPEN.remove(this);
                        scope.close();
                    }
                };
                OPEN.add(tracked);
                return tracked;
            }

            @Override
            public Context current() {
                return delegate.current();
            }
        };
    }
}
