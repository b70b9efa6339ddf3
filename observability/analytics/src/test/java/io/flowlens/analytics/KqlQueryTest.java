package io.flowlens.analytics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The KQL-to-Lucene translation the console, the CLI and KibanaSavedObjectsIT rely on: what it changes, what it refuses. */
class KqlQueryTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "service: \"orders\"                                   | service:\"orders\"",
        "error: true                                           | error:true",
        "duration_ms > 1000                                    | duration_ms:>1000",
        "status_code >= 500                                    | status_code:>=500",
        "flowlens.fault.injected: *                            | flowlens.fault.injected:*",
        "method: \"POST\" and duration_ms > 500 and error: true | method:\"POST\" AND duration_ms:>500 AND error:true",
        "name: \"users.register\" AND not (error: true)        | name:\"users.register\" AND NOT ( error:true )",
    })
    void translatesRangesAndKeywordsOnly(String kql, String lucene) {
        assertThat(KqlQuery.parse(kql).toLucene(), is(lucene));
    }

    @Test
    void namesEveryFieldItReads() {
        assertThat(KqlQuery.parse("method: \"POST\" AND duration_ms > 500 AND error: true").fields(),
                contains("method", "duration_ms", "error"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "duration_ms: >1000",            // Lucene's range syntax: a syntax error in KQL
        "orders",                        // free text: KQL and Lucene search different default fields
        "service: orders*",              // a wildcard value
        "service: (orders or users)",    // a value list
        "events: { name: \"exception\" }", // a nested query
        "service: \"orders\" error: true", // two operands without AND/OR
        "(service: \"orders\"",
        "service:",
    })
    void refusesWhatItCannotTranslateFaithfully(String kql) {
        UsageException refused = assertThrows(UsageException.class, () -> KqlQuery.parse(kql));
        assertThat(refused.getMessage(), containsString("not a KQL query this can run"));
    }
}
