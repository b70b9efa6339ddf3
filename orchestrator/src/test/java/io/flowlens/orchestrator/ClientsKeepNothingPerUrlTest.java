package io.flowlens.orchestrator;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.JMException;
import javax.management.ObjectName;

import io.flowlens.testing.StandInUsers;
import io.helidon.microprofile.testing.junit5.AddBean;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.lessThan;

/**
 * The generated REST clients keep nothing behind for each URL they called. Jersey 3.1.9's default connector kept a
 * lock per URL in a map that only grew (eclipse-ee4j/jersey#5797, gone in 3.1.10): the orchestrator held a URL, its
 * resolved address and a lock for every order it confirmed, 5 581 addresses after 5 541 flows, until its bounded heap
 * would have run out. Counted in the JVM's own class histogram (live objects, after a full collection) before and
 * after calls to as many distinct URLs.
 */
@HelidonTest
@AddBean(StandInUsers.class) // only the users client is called here
@AddConfig(key = "server.port", value = "${flowlens.test.port}")
@AddConfig(key = "users/mp-rest/url", value = "http://localhost:${flowlens.test.port}/fake")
class ClientsKeepNothingPerUrlTest {

    private static final int CALLS = 2000;

    private final DownstreamServices downstream;

    @Inject
    ClientsKeepNothingPerUrlTest(DownstreamServices downstream) {
        this.downstream = downstream;
    }

    @Test
    void callsToDistinctUrlsLeaveNoObjectPerUrlBehind() throws JMException {
        for (int offset = 0; offset < 50; offset++) {
            downstream.listUsers(1, offset); // the first calls load classes and fill pools, which stay
        }
        long before = liveInstances("java.net.URL");
        for (int offset = 50; offset < 50 + CALLS; offset++) {
            downstream.listUsers(1, offset); // ?limit=1&offset=N: a URL of its own each time
        }
        long after = liveInstances("java.net.URL");
        assertThat("live java.net.URL objects gained over " + CALLS + " calls to distinct URLs", after - before,
                lessThan(CALLS / 10L));
    }

    /** Live instances of the class, from the diagnostic command behind {@code jcmd GC.class_histogram}. */
    private static long liveInstances(String className) throws JMException {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Matcher row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)",
                Pattern.MULTILINE).matcher(histogram);
        if (!row.find()) { // a running client always has some; none found means the histogram was not read
            throw new IllegalStateException("no " + className + " row in the class histogram:\n" + histogram);
        }
        return Long.parseLong(row.group(1));
    }
}
