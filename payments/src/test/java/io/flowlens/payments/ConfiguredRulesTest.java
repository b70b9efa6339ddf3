package io.flowlens.payments;

import io.flowlens.testing.ContractClient;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import org.junit.jupiter.api.Test;

import static io.restassured.http.ContentType.JSON;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/** The limit and the currencies come from configuration, not from code: other values, other decisions. */
@HelidonTest
@AddConfig(key = "payments.limit", value = "50.00")
@AddConfig(key = "payments.currencies", value = "CHF,SEK")
class ConfiguredRulesTest {

    private static void expect(String amount, String currency, String status, String reason) {
        ContractClient.given("payments").contentType(JSON)
                .body("{\"order_id\":1,\"amount\":" + amount + ",\"currency\":\"" + currency + "\"}").post("/payments")
                .then().statusCode(201).body("status", is(status))
                .body("decline_reason", reason == null ? nullValue() : is(reason));
    }

    @Test
    void configuredLimitAndCurrenciesDecide() {
        expect("50.00", "CHF", "AUTHORIZED", null);
        expect("50.01", "SEK", "DECLINED", "LIMIT_EXCEEDED");
        expect("10", "USD", "DECLINED", "CURRENCY_NOT_SUPPORTED");
    }
}
