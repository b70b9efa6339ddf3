package io.flowlens.analytics;

import java.time.LocalDate;
import java.util.List;

import io.flowlens.exporter.elasticsearch.SpanIndex;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The cut-off; which names are daily index names at all is SpanIndexTest's (exporter module). */
class SpanRetentionTest {

    @Test
    void olderThanNDaysMeansADayBeforeTodayMinusN() {
        SpanIndex index = new SpanIndex("p");
        LocalDate today = LocalDate.of(2025, 3, 31);
        List<String> indices = List.of("p-2025.03.31", "p-2025.03.01", "p-2025.02.28", "p-2024.12.31", "p-2099.01.01",
                "p-old", "p-2025.02.31", "q-2020.01.01", "p-extra-2020.01.01");
        assertThat(SpanRetention.expired(index, indices, today, 30), is(List.of("p-2024.12.31", "p-2025.02.28")));
        assertThat(SpanRetention.expired(index, indices, today, 1),
                is(List.of("p-2024.12.31", "p-2025.02.28", "p-2025.03.01")));
        assertThat(SpanRetention.expired(index, indices, today, 365), is(List.of()));
    }
}
