// W3C trace context for every k6 request, so a slow or failed request can be opened as a trace in Jaeger.
// A local helper instead of the CDN-hosted jslib: the machines that run this have no internet.
import http from 'k6/http';

function hex(bytes) {
    let out = '';
    for (let i = 0; i < bytes; i++) {
        out += Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
    }
    return out;
}

/** A sampled traceparent and its trace id. */
export function newTraceparent() {
    const traceId = hex(16);
    return { traceId, header: `00-${traceId}-${hex(8)}-01` };
}

/**
 * http.request with a fresh traceparent. Answers `{ response, traceId }`: k6 responses are host objects that
 * cannot carry an extra property.
 */
export function tracedRequest(method, url, body, params = {}) {
    const trace = newTraceparent();
    const headers = Object.assign({}, params.headers || {}, { traceparent: trace.header });
    const response = http.request(method, url, body, Object.assign({}, params, { headers }));
    return { response, traceId: trace.traceId };
}
