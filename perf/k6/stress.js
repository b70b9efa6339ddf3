// Stress: steps the arrival rate up until the thresholds break; the step where p95 crosses the bound is the knee.
// Bounded: STEP_DURATION (default 30s) per step, up to MAX_RATE (default 80/s). Expect it to fail its thresholds.
import { fullFlow, thresholds } from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

const STEP = __ENV.STEP_DURATION || '30s';
const MAX = Number(__ENV.MAX_RATE || 80);
const stages = [];
for (let rate = 10; rate <= MAX; rate += 10) {
    stages.push({ target: rate, duration: '5s' }, { target: rate, duration: STEP });
}

export const options = {
    scenarios: {
        steps: { executor: 'ramping-arrival-rate', startRate: 5, timeUnit: '1s', preAllocatedVUs: 20, maxVUs: 200, stages },
    },
    thresholds: thresholds(Number(__ENV.P95_MS || 1000), Number(__ENV.P99_MS || 3000)),
};

export default function () {
    fullFlow(false);
}
