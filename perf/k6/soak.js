// Soak: a steady, moderate mix for a long-ish time to surface leaks and drift. Bounded: DURATION (default 10m).
import { mixedRequest, thresholds } from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

export const options = {
    scenarios: {
        steady: {
            executor: 'constant-arrival-rate',
            rate: Number(__ENV.RATE || 10),
            timeUnit: '1s',
            duration: __ENV.DURATION || '10m',
            preAllocatedVUs: 10,
            maxVUs: 50,
        },
    },
    thresholds: thresholds(Number(__ENV.P95_MS || 800), Number(__ENV.P99_MS || 2000)),
};

export default function () {
    mixedRequest();
}
