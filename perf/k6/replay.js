// Span replay driven by bin/bench.py (not a load test of its own): sends the backends the span stream of a traced
// deployment while an untraced one is measured, so both measurements see the same indexing load beside them.
//   PAYLOAD  one OTLP/protobuf export request holding copies of a real full-flow trace, encoded as the services'
//            exporters send spans (bin/bench.py replay_payload writes it from Jaeger's answer); PAYLOAD.json lists,
//            per copy, the byte offsets of its trace id, where every request writes a fresh one, so each copy is its
//            own trace in Jaeger and the indexer
//   RATE     requests per 10 s, for DURATION, to OTLP_URL (Jaeger's OTLP/HTTP)
import http from 'k6/http';
import { check } from 'k6';
export { handleSummary } from './lib/summary.js';

const OTLP_URL = __ENV.OTLP_URL || 'http://127.0.0.1:4318';
const payload = new Uint8Array(open(__ENV.PAYLOAD, 'b'));
const traceIdOffsets = JSON.parse(open(`${__ENV.PAYLOAD}.json`));

export const options = {
    scenarios: { replay: { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE || 10), timeUnit: '10s',
        duration: __ENV.DURATION || '20s', preAllocatedVUs: 10, maxVUs: 50 } },
    summaryTrendStats: ['min', 'med', 'p(99)', 'max', 'count'],
};

function traceId() {
    const id = new Uint8Array(16);
    for (let i = 0; i < id.length; i++) {
        id[i] = Math.floor(Math.random() * 256);
    }
    return id;
}

export default function () {
    // a copy of the request with fresh ids written in place: the bytes around them stay as encoded
    const body = payload.slice();
    for (const offsets of traceIdOffsets) {
        const id = traceId();
        for (const at of offsets) {
            body.set(id, at);
        }
    }
    const answer = http.post(`${OTLP_URL}/v1/traces`, body.buffer,
        { headers: { 'Content-Type': 'application/x-protobuf' } });
    check(answer, { '200': (r) => r.status === 200 });
}
