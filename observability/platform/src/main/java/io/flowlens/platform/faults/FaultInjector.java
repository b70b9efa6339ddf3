package io.flowlens.platform.faults;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.flowlens.contracts.admin.model.Fault;
import io.flowlens.contracts.admin.model.FaultName;
import io.flowlens.contracts.admin.model.FaultSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * The named faults of this service and their settings, switched at run time through {@code /admin/faults} or at start
 * through config ({@code flowlens.fault.<name>.enabled|latency-ms|random|rate}, e.g. {@code flowlens.fault.errors.rate}).
 * Whatever a fault touches is marked on the current span with {@code flowlens.fault.injected}.
 */
@ApplicationScoped
public class FaultInjector {

    static final AttributeKey<String> INJECTED = AttributeKey.stringKey("flowlens.fault.injected");

    private final Map<FaultName, Fault> faults = new ConcurrentHashMap<>();

    @Inject
    public FaultInjector(Config config) {
        for (FaultName name : FaultName.values()) {
            String prefix = "flowlens.fault." + attributeValue(name) + ".";
            faults.put(name, new Fault().name(name)
                    .enabled(config.getOptionalValue(prefix + "enabled", Boolean.class).orElse(false))
                    .latencyMs(config.getOptionalValue(prefix + "latency-ms", Integer.class).orElse(0))
                    .random(config.getOptionalValue(prefix + "random", Boolean.class).orElse(false))
                    .rate(config.getOptionalValue(prefix + "rate", Double.class).orElse(0.0)));
        }
    }

    public List<Fault> all() {
        return List.of(FaultName.values()).stream().map(faults::get).toList();
    }

    public Fault set(FaultName name, FaultSettings settings) {
        Fault fault = new Fault().name(name).enabled(settings.getEnabled())
                .latencyMs(settings.getLatencyMs() == null ? 0 : settings.getLatencyMs())
                .random(Boolean.TRUE.equals(settings.getRandom()))
                .rate(settings.getRate() == null ? 0.0 : settings.getRate());
        faults.put(name, fault);
        return fault;
    }

    public Fault clear(FaultName name) {
        return set(name, new FaultSettings().enabled(false));
    }

    /** Waits as the fault says, when it is on, and marks the current span. */
    public void delay(FaultName name) {
        active(name).ifPresent(fault -> {
            int max = fault.getLatencyMs();
            long millis = Boolean.TRUE.equals(fault.getRandom()) ? ThreadLocalRandom.current().nextLong(max + 1L) : max;
            Span.current().setAttribute(INJECTED, attributeValue(name));
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** True for the share of calls the fault's rate asks for, when it is on; marks the current span then. */
    public boolean strikes(FaultName name) {
        boolean strikes = active(name).map(f -> ThreadLocalRandom.current().nextDouble() < f.getRate()).orElse(false);
        if (strikes) {
            Span.current().setAttribute(INJECTED, attributeValue(name));
        }
        return strikes;
    }

    /** Whether the fault is on (for faults that are a state, not a per-call effect, like pool exhaustion). */
    public boolean isOn(FaultName name) {
        return active(name).isPresent();
    }

    /** Marks the current span as touched by the fault. */
    public void mark(FaultName name) {
        Span.current().setAttribute(INJECTED, attributeValue(name));
    }

    private Optional<Fault> active(FaultName name) {
        Fault fault = faults.get(name);
        return Boolean.TRUE.equals(fault.getEnabled()) ? Optional.of(fault) : Optional.empty();
    }

    /** {@code SLOW_DB} → {@code slow-db}: the low-cardinality value spans and config keys use. */
    static String attributeValue(FaultName name) {
        return name.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
