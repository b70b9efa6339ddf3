// Benchmark probe driven by bin/bench.py (not a load test of its own): one measurement per run.
//   TARGET=flow    GET /demo/full-flow/1 on the orchestrator      TARGET=trivial  GET /users/1 on users directly
//   MODE=rate      constant arrival RATE/s for DURATION           MODE=saturate   VUS closed-loop users for DURATION
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, USERS_URL } from './lib/config.js';
export { handleSummary } from './lib/summary.js';

const DURATION = __ENV.DURATION || '20s';
const scenario = (__ENV.MODE || 'rate') === 'rate'
    ? { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE || 15), timeUnit: '1s', duration: DURATION,
        preAllocatedVUs: 20, maxVUs: 100 }
    : { executor: 'constant-vus', vus: Number(__ENV.VUS || 8), duration: DURATION };

export const options = { scenarios: { probe: scenario }, summaryTrendStats: ['min', 'med', 'p(99)', 'max', 'count'] };

const url = (__ENV.TARGET || 'flow') === 'flow' ? `${BASE_URL}/demo/full-flow/1` : `${USERS_URL}/users/1`;

export default function () {
    check(http.get(url), { '200': (r) => r.status === 200 });
}
