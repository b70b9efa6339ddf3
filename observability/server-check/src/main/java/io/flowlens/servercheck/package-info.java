/**
 * The process itself: what it does when it cannot serve. Used by the services (through the platform), the span
 * indexer and the console.
 */
package io.flowlens.servercheck;
