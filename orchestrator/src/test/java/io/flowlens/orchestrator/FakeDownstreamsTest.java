package io.flowlens.orchestrator;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import io.flowlens.contracts.orders.model.Order;
import io.flowlens.contracts.orders.model.OrderStatus;
import io.flowlens.contracts.payments.client.model.DeclineReason;
import io.flowlens.contracts.payments.client.model.Payment;
import io.flowlens.contracts.payments.client.model.PaymentCreate;
import io.flowlens.contracts.payments.client.model.PaymentStatus;
import io.flowlens.platform.problem.ProblemException;
import io.flowlens.testing.FreePortConfigSource;
import io.helidon.microprofile.server.ServerCdiExtension;
import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The stand-ins answer as the real services do, through the orchestrator's own generated clients: orders move only
 * as the real lifecycle allows (409 otherwise), payments are decided by the real service's configuration keys (here
 * a limit of 20.00 and two currencies), and the server runs on the free port the tests' configuration chose.
 */
@HelidonTest
@AddConfig(key = "payments.limit", value = "20.00")
@AddConfig(key = "payments.currencies", value = "EUR,GBP")
// the scheduled recovery round stays out of the way of the orders this test makes
@AddConfig(key = "io.flowlens.orchestrator.FlowRecovery.round.schedule.initial-delay", value = "3600")
class FakeDownstreamsTest extends AgainstStandIns {

    private static final AtomicLong IDS = new AtomicLong(800_000);

    @Inject
    private DownstreamServices services;

    private static long order(OrderStatus status) {
        Order order = new Order().id(IDS.incrementAndGet()).userId(1L).amount(new BigDecimal("12.00")).currency("EUR")
                .status(status).createdAt(OffsetDateTime.now(ZoneOffset.UTC));
        FakeDownstreams.ORDERS.put(order.getId(), order);
        return order.getId();
    }

    private static String key() {
        return "fake-downstreams-test-" + IDS.incrementAndGet();
    }

    @Test
    void aCancelledOrderCannotBeConfirmedAndCancellingItAgainChangesNothing() {
        long orderId = order(OrderStatus.PENDING);
        services.cancelOrder(orderId, "test", key());
        ProblemException refused = assertThrows(ProblemException.class,
                () -> services.confirmOrder(orderId, 5L, key()));
        assertThat(refused.status(), is(409));
        assertThat(refused.getMessage(), refused.getMessage().contains("is CANCELLED and cannot become CONFIRMED"),
                is(true));
        assertThat(FakeDownstreams.ORDERS.get(orderId).getStatus(), is(OrderStatus.CANCELLED));
        assertThat(services.cancelOrder(orderId, "again", key()).getCancelReason(), is("test"));
    }

    @Test
    void aPaidOrderCannotBeCancelledAndAnUnknownOneIs404() {
        long orderId = order(OrderStatus.CONFIRMED);
        FakeDownstreams.ORDERS.get(orderId).status(OrderStatus.PAID);
        assertThat(assertThrows(ProblemException.class, () -> services.cancelOrder(orderId, "late", key())).status(),
                is(409));
        assertThat(assertThrows(ProblemException.class, () -> services.confirmOrder(1L, 5L, key())).status(), is(404));
    }

    @Test
    void paymentsAreDecidedByTheConfiguredLimitAndCurrencies() {
        Payment atTheLimit = services.authorize(payment(order(OrderStatus.PENDING), "20.00", "EUR"), key());
        assertThat(atTheLimit.getStatus(), is(PaymentStatus.AUTHORIZED));
        Payment overTheLimit = services.authorize(payment(order(OrderStatus.PENDING), "20.01", "EUR"), key());
        assertThat(overTheLimit.getStatus(), is(PaymentStatus.DECLINED));
        assertThat(overTheLimit.getDeclineReason(), is(DeclineReason.LIMIT_EXCEEDED));
        Payment otherCurrency = services.authorize(payment(order(OrderStatus.PENDING), "5.00", "USD"), key());
        assertThat(otherCurrency.getDeclineReason(), is(DeclineReason.CURRENCY_NOT_SUPPORTED));
    }

    @Test
    void theServerRunsOnTheFreePortTheConfigurationChose() {
        int port = CDI.current().getBeanManager().getExtension(ServerCdiExtension.class).port();
        assertThat(port, is(ConfigProvider.getConfig().getValue(FreePortConfigSource.KEY, Integer.class)));
        assertThat(ConfigProvider.getConfig().getValue("orders/mp-rest/url", String.class),
                is("http://localhost:" + port + "/fake"));
    }

    private static PaymentCreate payment(long orderId, String amount, String currency) {
        return new PaymentCreate().orderId(orderId).amount(new BigDecimal(amount)).currency(currency);
    }
}
