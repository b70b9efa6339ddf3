package io.flowlens.platform.db;

import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The current time as the services' tables keep it. Their {@code TIMESTAMP WITH TIME ZONE} columns hold microseconds
 * on H2 and PostgreSQL, while the JDK's clock gives nanoseconds here; a store that answers a write with the values it
 * wrote, instead of reading the row back, answers what a later read returns only when the time was cut first.
 */
public final class StoredTime {

    private StoredTime() {
    }

    /** Now, in UTC, to the microsecond. */
    public static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /** The JDBC value of {@code time}, for a statement's parameter. */
    public static Timestamp timestamp(OffsetDateTime time) {
        return Timestamp.from(time.toInstant());
    }
}
