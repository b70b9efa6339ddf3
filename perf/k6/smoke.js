// Smoke: one virtual user calls every endpoint once with strict checks. Part of `make test` (K6SmokeIT), which also
// asserts from the summary that every check ran: a script error would otherwise pass with zero checks.
import { check, group } from 'k6';
import http from 'k6/http';
import { BASE_URL, USERS_URL, ORDERS_URL, PAYMENTS_URL, JSON_HEADERS, uniqueEmail } from './lib/config.js';
import { tracedRequest } from './lib/tracing.js';

export const options = {
    vus: 1,
    iterations: 1,
    thresholds: {
        checks: ['rate==1.0'],
        http_req_failed: ['rate==0'],
        http_req_duration: ['p(95)<2000'],
    },
};

const PROBLEM = 'application/problem+json';

function json(response) {
    try {
        return response.json();
    } catch (e) {
        return {};
    }
}

function call(method, url, body, expectedStatus) {
    const params = { headers: JSON_HEADERS };
    if (expectedStatus) {
        // a deliberate 4xx: k6 counts it as a success in http_req_failed (and the answer it replaces as a failure)
        params.responseCallback = http.expectedStatuses(expectedStatus);
    }
    return tracedRequest(method, url, body === undefined ? null : JSON.stringify(body), params);
}

export default function () {
    group('services directly', () => {
        for (const url of [USERS_URL, ORDERS_URL, PAYMENTS_URL, BASE_URL]) {
            const health = call('GET', `${url}/health/ready`).response;
            check(health, { [`${url} ready`]: (r) => r.status === 200 && json(r).status === 'UP' });
            const contract = call('GET', `${url}/openapi`).response;
            check(contract, { [`${url} serves its contract`]: (r) => r.status === 200 && r.body.includes('openapi: 3.0.3') });
        }
    });

    group('gateway', () => {
        check(call('GET', `${BASE_URL}/users?limit=2`).response,
            { 'list users 200': (r) => r.status === 200 && json(r).items.length === 2 });

        const created = call('POST', `${BASE_URL}/users`, { name: 'Smoke', email: uniqueEmail('smoke') }).response;
        check(created, { 'create user 201': (r) => r.status === 201 && json(r).id > 0 });
        const userId = json(created).id;

        check(call('GET', `${BASE_URL}/users/${userId}`).response, { 'get user 200': (r) => r.status === 200 });
        check(call('GET', `${BASE_URL}/users/999999`, undefined, 404).response,
            { 'unknown user 404 problem': (r) => r.status === 404 && r.headers['Content-Type'] === PROBLEM });

        const order = call('POST', `${BASE_URL}/orders`, { user_id: userId, amount: 12.5, currency: 'EUR' }).response;
        check(order, { 'create order 201 PENDING': (r) => r.status === 201 && json(r).status === 'PENDING' });
        const orderId = json(order).id;
        check(call('GET', `${BASE_URL}/orders/${orderId}`).response, { 'get order 200': (r) => r.status === 200 });

        const payment = call('POST', `${BASE_URL}/payments`, { order_id: orderId, amount: 12.5, currency: 'EUR' }).response;
        check(payment, { 'payment authorized': (r) => r.status === 201 && json(r).status === 'AUTHORIZED' });
        check(call('GET', `${BASE_URL}/payments/${json(payment).id}`).response,
            { 'get payment 200': (r) => r.status === 200 });

        // the original system's documented request: no currency, the service's default (USD) applies
        check(call('POST', `${BASE_URL}/orders`, { user_id: userId, amount: 99.99 }).response,
            { 'documented order 201 USD': (r) => r.status === 201 && json(r).currency === 'USD' });
        check(call('POST', `${BASE_URL}/orders`, { user_id: userId, amount: -1, currency: 'usd' }, 400).response,
            { 'invalid order 400 problem': (r) => r.status === 400 && r.headers['Content-Type'] === PROBLEM });
    });

    group('full flow', () => {
        const completed = call('GET', `${BASE_URL}/demo/full-flow/1`);
        check(completed.response, {
            'flow completed': (r) => r.status === 200 && json(r).outcome === 'COMPLETED',
            'flow continues the caller trace': (r) => json(r).trace_id === completed.traceId,
        });
        check(call('GET', `${BASE_URL}/demo/full-flow/2?amount=5000`).response,
            { 'flow declined': (r) => r.status === 200 && json(r).outcome === 'PAYMENT_DECLINED' });
    });
}

export function handleSummary(data) {
    const out = {};
    out[__ENV.SUMMARY_JSON || 'smoke-summary.json'] = JSON.stringify(data, null, 2);
    return out;
}
