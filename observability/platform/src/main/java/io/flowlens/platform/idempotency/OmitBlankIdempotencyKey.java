package io.flowlens.platform.idempotency;

import java.util.List;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/**
 * REST-client filter: a generated client sends its optional {@code Idempotency-Key} parameter as an empty header
 * when the caller has no key, which the callee's contract rejects (minLength 1). Registered per client in
 * microprofile-config.properties ({@code <client>/mp-rest/providers}).
 */
public final class OmitBlankIdempotencyKey implements ClientRequestFilter {

    @Override
    public void filter(ClientRequestContext request) {
        List<Object> values = request.getHeaders().get(IdempotencyFilter.HEADER);
        if (values != null && values.stream().allMatch(value -> value == null || value.toString().isBlank())) {
            request.getHeaders().remove(IdempotencyFilter.HEADER);
        }
    }
}
