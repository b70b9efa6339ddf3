package io.flowlens.analytics.cli;

import java.io.PrintStream;
import java.time.Clock;

import org.eclipse.microprofile.config.Config;

/** What every command needs from outside: the configuration, the time, and where its report goes. */
record CliContext(Config config, Clock clock, PrintStream out) {
}
