// Where the system under test listens. Only loopback by default; override with -e BASE_URL=... etc.
export const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8000';
export const USERS_URL = __ENV.USERS_URL || 'http://127.0.0.1:8001';
export const ORDERS_URL = __ENV.ORDERS_URL || 'http://127.0.0.1:8002';
export const PAYMENTS_URL = __ENV.PAYMENTS_URL || 'http://127.0.0.1:8003';

export const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** A unique, valid e-mail per call (users are unique by e-mail). */
export function uniqueEmail(prefix = 'k6') {
    return `${prefix}-${__VU}-${__ITER}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.com`;
}
