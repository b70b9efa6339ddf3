// Span replay driven by bin/bench.py (not a load test of its own): sends the backends the span stream of a traced
// deployment while an untraced one is measured, so both measurements see the same indexing load beside them.
//   TRACE_FILE  a real full-flow trace as Jaeger's /api/v3/traces/{id} answers it (OTLP/JSON, hex ids)
//   TRACE_ID    that trace's id; every copy gets a fresh one, so each is its own trace in Jaeger and the indexer
//   RATE        requests per 10 s, BATCH traces per request, for DURATION, to OTLP_URL (Jaeger's OTLP/HTTP)
import http from 'k6/http';
import { check } from 'k6';
export { handleSummary } from './lib/summary.js';

const OTLP_URL = __ENV.OTLP_URL || 'http://127.0.0.1:4318';
const BATCH = Number(__ENV.BATCH || 10);
// Only the trace id is replaced, by plain string splitting: the copies cost k6 a string join, not a JSON round trip.
const parts = JSON.stringify(JSON.parse(open(__ENV.TRACE_FILE)).result.resourceSpans).slice(1, -1)
    .split(__ENV.TRACE_ID);

export const options = {
    scenarios: { replay: { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE || 10), timeUnit: '10s',
        duration: __ENV.DURATION || '20s', preAllocatedVUs: 10, maxVUs: 50 } },
    summaryTrendStats: ['min', 'med', 'p(99)', 'max', 'count'],
};

function traceId() {
    let id = '';
    for (let i = 0; i < 4; i++) {
        id += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
    }
    return id;
}

export default function () {
    const traces = [];
    for (let i = 0; i < BATCH; i++) {
        traces.push(parts.join(traceId()));
    }
    const answer = http.post(`${OTLP_URL}/v1/traces`, `{"resourceSpans":[${traces.join(',')}]}`,
        { headers: { 'Content-Type': 'application/json' } });
    check(answer, { '200': (r) => r.status === 200 });
}
