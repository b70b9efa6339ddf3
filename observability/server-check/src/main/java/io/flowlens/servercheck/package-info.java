/**
 * The process itself: what it does when it cannot serve, and which request targets it refuses before any handler.
 * Used by the services (through the platform), the span indexer and the console.
 */
package io.flowlens.servercheck;
