package io.flowlens.analytics;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class SpanRetentionTest {

    @Test
    void dayIsReadOnlyFromExactDailyNames() {
        assertThat(SpanRetention.dayOf("flowlens-spans", "flowlens-spans-2025.03.01"),
                is(Optional.of(LocalDate.of(2025, 3, 1))));
        assertThat(SpanRetention.dayOf("flowlens-spans", "flowlens-spans-2024.02.29"),
                is(Optional.of(LocalDate.of(2024, 2, 29))));
        for (String other : List.of("flowlens-spans-2025.3.1", "flowlens-spans-2025-03-01", "flowlens-spans-2025.03.01-x",
                "x-flowlens-spans-2025.03.01", "flowlens-spans-extra-2025.03.01", "flowlens-spans-2025.13.01",
                "flowlens-spans-2025.02.30", "flowlens-spans-2023.02.29", "flowlens-spans", "flowlens-spans-",
                "flowlens-spansX2025.03.01", ".ds-flowlens-spans-2025.03.01-000001")) {
            assertThat(other, SpanRetention.dayOf("flowlens-spans", other), is(Optional.empty()));
        }
    }

    @Test
    void prefixIsTakenLiterallyNotAsARegularExpression() {
        assertThat(SpanRetention.dayOf("a.b", "aXb-2025.03.01"), is(Optional.empty()));
        assertThat(SpanRetention.dayOf("a.b", "a.b-2025.03.01"), is(Optional.of(LocalDate.of(2025, 3, 1))));
    }

    @Test
    void olderThanNDaysMeansADayBeforeTodayMinusN() {
        LocalDate today = LocalDate.of(2025, 3, 31);
        List<String> indices = List.of("p-2025.03.31", "p-2025.03.01", "p-2025.02.28", "p-2024.12.31", "p-2099.01.01",
                "p-old", "p-2025.02.31");
        assertThat(SpanRetention.expired("p", indices, today, 30), is(List.of("p-2024.12.31", "p-2025.02.28")));
        assertThat(SpanRetention.expired("p", indices, today, 1),
                is(List.of("p-2024.12.31", "p-2025.02.28", "p-2025.03.01")));
        assertThat(SpanRetention.expired("p", indices, today, 365), is(List.of()));
    }
}
