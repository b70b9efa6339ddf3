/**
 * The query core over span documents and Jaeger (reports, alert rules, retention, consistency) and the flowlens CLI.
 */
package io.flowlens.analytics;
