/**
 * The autoconfigure SPI provider of the exporter; not an API.
 */
package io.flowlens.exporter.elasticsearch.internal;
