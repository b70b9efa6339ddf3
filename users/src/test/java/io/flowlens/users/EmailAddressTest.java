package io.flowlens.users;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class EmailAddressTest {

    @Test
    void normalizesCaseAndBlanks() {
        assertThat(EmailAddress.normalize("  Ada.Lovelace@Example.COM "), is("ada.lovelace@example.com"));
    }

    @Test
    void domainIsThePartAfterTheLastAt() {
        assertThat(EmailAddress.domain("a@b@example.com"), is("example.com"));
    }
}
