// Load: a ramping arrival rate of the realistic mix (lib/flows.js). Bounded: DURATION (default 2m) and MAX_RATE.
import { mixedRequest, thresholds } from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

const RATE = Number(__ENV.MAX_RATE || 20);
const DURATION = __ENV.DURATION || '2m';

export const options = {
    scenarios: {
        mix: {
            executor: 'ramping-arrival-rate',
            startRate: 1,
            timeUnit: '1s',
            preAllocatedVUs: 10,
            maxVUs: 50,
            stages: [
                { target: RATE, duration: '20s' },
                { target: RATE, duration: DURATION },
                { target: 0, duration: '10s' },
            ],
        },
    },
    thresholds: thresholds(Number(__ENV.P95_MS || 800), Number(__ENV.P99_MS || 2000)),
};

export default function () {
    mixedRequest();
}
