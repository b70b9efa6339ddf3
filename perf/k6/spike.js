// Spike: a quiet baseline, a sudden burst of full flows, and back; checks that the system absorbs it and recovers.
import { mixedRequest, thresholds } from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

const PEAK = Number(__ENV.PEAK_RATE || 60);

export const options = {
    scenarios: {
        spike: {
            executor: 'ramping-arrival-rate',
            startRate: 2,
            timeUnit: '1s',
            preAllocatedVUs: 20,
            maxVUs: 200,
            stages: [
                { target: 2, duration: '20s' },
                { target: PEAK, duration: '5s' },
                { target: PEAK, duration: '20s' },
                { target: 2, duration: '5s' },
                { target: 2, duration: '20s' },
            ],
        },
    },
    thresholds: thresholds(Number(__ENV.P95_MS || 1500), Number(__ENV.P99_MS || 4000)),
};

export default function () {
    mixedRequest();
}
