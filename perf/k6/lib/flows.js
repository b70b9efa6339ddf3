// The traffic mix every load-shaped scenario shares, with custom metrics per full-flow step and per outcome.
//
// Sample trace ids of the slowest and of failed requests: handleSummary only sees aggregates, and per-VU state is
// per VU, so each VU prints one `TRACE {...}` console line for a failed request or one slower than SLOW_MS; the runner
// (bin/perf.sh) sends the console to a file and keeps the slowest and failed ones in the report. Tagging metrics
// with trace ids instead would create one time series per request.
import { check } from 'k6';
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import { BASE_URL, JSON_HEADERS, uniqueEmail } from './config.js';
import { tracedRequest } from './tracing.js';

const SLOW_MS = Number(__ENV.SLOW_MS || 1000);

export const stepUserLookup = new Trend('flow_step_get_user', true);
export const stepOrderCreate = new Trend('flow_step_create_order', true);
export const stepPayment = new Trend('flow_step_authorize_payment', true);
export const outcomeCompleted = new Counter('flow_outcome_completed');
export const outcomeDeclined = new Counter('flow_outcome_declined');
export const outcomeInvalid = new Counter('flow_outcome_invalid');
export const outcomeFailed = new Counter('flow_outcome_failed');

const STEP_TRENDS = { GET_USER: stepUserLookup, CREATE_ORDER: stepOrderCreate, AUTHORIZE_PAYMENT: stepPayment };

function report(name, result) {
    const r = result.response;
    if (r.status >= 500 || r.status === 0 || r.timings.duration > SLOW_MS) {
        console.log('TRACE ' + JSON.stringify({
            name, status: r.status, ms: Math.round(r.timings.duration), traceId: result.traceId,
        }));
    }
}

function body(r) {
    try {
        return r.json();
    } catch (e) {
        return {};
    }
}

export function browseUsers() {
    const result = tracedRequest('GET', `${BASE_URL}/users?limit=10&offset=${Math.floor(Math.random() * 3)}`);
    report('browse users', result);
    check(result.response, { 'browse 200': (r) => r.status === 200 });
}

export function createUser() {
    const result = tracedRequest('POST', `${BASE_URL}/users`,
        JSON.stringify({ name: 'Load User', email: uniqueEmail('load') }), { headers: JSON_HEADERS });
    report('create user', result);
    check(result.response, { 'create user 201': (r) => r.status === 201 });
}

export function createOrder() {
    const result = tracedRequest('POST', `${BASE_URL}/orders`,
        JSON.stringify({ user_id: 1 + Math.floor(Math.random() * 3), amount: 19.99, currency: 'EUR' }),
        { headers: JSON_HEADERS });
    report('create order', result);
    check(result.response, { 'create order 201': (r) => r.status === 201 });
}

export function fullFlow(declined) {
    const amount = declined ? '2500.00' : '49.99';
    const result = tracedRequest('GET', `${BASE_URL}/demo/full-flow/${1 + Math.floor(Math.random() * 3)}?amount=${amount}`);
    report(declined ? 'full flow (declined)' : 'full flow', result);
    const flow = body(result.response);
    const ok = check(result.response, {
        'flow 200': (r) => r.status === 200,
        'flow outcome as asked': () => flow.outcome === (declined ? 'PAYMENT_DECLINED' : 'COMPLETED'),
    });
    if (!ok) {
        outcomeFailed.add(1);
        return;
    }
    (declined ? outcomeDeclined : outcomeCompleted).add(1);
    for (const step of flow.steps || []) {
        if (STEP_TRENDS[step.name]) {
            STEP_TRENDS[step.name].add(step.duration_ms);
        }
    }
}

export function invalidRequest() {
    const result = tracedRequest('POST', `${BASE_URL}/orders`,
        JSON.stringify({ user_id: 1, amount: -1, currency: 'usd' }),
        // the 400 is the expected answer: k6 then counts it as a success in http_req_failed, a 2xx as a failure
        { headers: JSON_HEADERS, responseCallback: http.expectedStatuses(400) });
    report('invalid order', result);
    if (check(result.response, { 'invalid order 400': (r) => r.status === 400 })) {
        outcomeInvalid.add(1);
    }
}

/** One request of the realistic mix: mostly reads and completed flows, some declines and bad input. */
export function mixedRequest() {
    const dice = Math.random();
    if (dice < 0.30) return browseUsers();
    if (dice < 0.40) return createUser();
    if (dice < 0.55) return createOrder();
    if (dice < 0.85) return fullFlow(false);
    if (dice < 0.95) return fullFlow(true);
    return invalidRequest();
}

/** Thresholds every load-shaped script starts from; a breach makes `k6 run` exit 99. */
export function thresholds(p95, p99) {
    return {
        http_req_duration: [`p(95)<${p95}`, `p(99)<${p99}`],
        'http_req_duration{expected_response:true}': [`p(95)<${p95}`],
        // deliberate 4xx are declared expected where they are sent (responseCallback), so this counts real failures
        http_req_failed: ['rate<0.01'],
        checks: ['rate>0.99'],
        flow_outcome_failed: ['count<1'],
    };
}
