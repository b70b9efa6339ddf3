package io.flowlens.servercheck;

import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import jakarta.enterprise.inject.Instance;

/**
 * A check of every request before it is routed, whose refusals the module's {@link RefusedRequestAnswer} sends (the
 * services' is traced), else {@link RefusedRequestAnswer#PROBLEM_ONLY}.
 */
public abstract class RequestCheck extends RoutingAddition {

    private final RefusedRequestAnswer refusal;

    protected RequestCheck(Instance<RefusedRequestAnswer> answers) {
        this.refusal = answers.isResolvable() ? answers.get() : RefusedRequestAnswer.PROBLEM_ONLY;
    }

    @Override
    protected final void addTo(HttpRouting.Builder routing) {
        routing.addFilter(this::filter);
    }

    /** Proceeds with the chain, or refuses the request through {@link #refusal()}. */
    protected abstract void filter(FilterChain chain, RoutingRequest request, RoutingResponse response);

    protected final RefusedRequestAnswer refusal() {
        return refusal;
    }
}
