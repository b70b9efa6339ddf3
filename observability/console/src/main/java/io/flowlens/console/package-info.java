/**
 * The Flowlens web console: pages (flows, trace, service map, alerts) and the JSON API behind them, reading through
 * the analytics core and Jaeger's query API.
 */
package io.flowlens.console;
