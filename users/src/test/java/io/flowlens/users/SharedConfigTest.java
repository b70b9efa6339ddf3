package io.flowlens.users;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The defaults every service shares come from the platform jar's microprofile-config.properties at ordinal 90, and
 * the service's own file (ordinal 100) overrides them: the service keeps only its own lines.
 */
class SharedConfigTest {

    private final Config config = ConfigProvider.getConfig();

    @Test
    void sharedTelemetryDefaultsComeFromThePlatformJar() {
        ConfigSource source = sourceOf("otel.exporter.otlp.protocol");
        assertThat(config.getValue("otel.exporter.otlp.protocol", String.class), is("http/protobuf"));
        assertThat("ordinal of " + source.getName(), source.getOrdinal(), is(90));
        assertThat(source.getName(), source.getName().contains("platform"), is(true));
        assertThat(config.getValue("mp.openapi.scan.disable", Boolean.class), is(true));
    }

    @Test
    void theServiceNamesItselfAndItsContractInItsOwnFile() {
        assertThat(config.getValue("otel.service.name", String.class), is("users"));
        assertThat(sourceOf("otel.service.name").getOrdinal(), is(100));
        assertThat(config.getValue("mp.openapi.static-file", String.class),
                is("META-INF/openapi-bundled/users.yaml"));
    }

    /** The source whose value wins for a key: the one with the highest ordinal that has it. */
    private ConfigSource sourceOf(String key) {
        for (ConfigSource source : config.getConfigSources()) { // sorted by descending ordinal
            if (source.getValue(key) != null) {
                return source;
            }
        }
        throw new AssertionError("no config source has " + key);
    }
}
