/**
 * The pooled, traced database: units of work, Flyway migrations, one span per statement, and its readiness check.
 */
package io.flowlens.platform.db;
