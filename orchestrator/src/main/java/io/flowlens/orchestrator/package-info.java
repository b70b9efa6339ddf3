/**
 * The orchestrator: one-port gateway to users, orders and payments, and the full-flow saga, all through the
 * generated MicroProfile REST clients.
 */
package io.flowlens.orchestrator;
