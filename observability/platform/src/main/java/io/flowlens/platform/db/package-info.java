/**
 * The pooled, traced database: one span per statement, and its readiness check.
 */
package io.flowlens.platform.db;
