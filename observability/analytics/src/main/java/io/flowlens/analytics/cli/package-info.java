/**
 * The {@code flowlens} command line (picocli): parses options, calls the analytics core and prints its records as
 * text tables.
 */
package io.flowlens.analytics.cli;
