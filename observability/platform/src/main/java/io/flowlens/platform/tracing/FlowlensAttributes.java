package io.flowlens.platform.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attributes the services share, in one place so that traces, the analytics queries and dashboards agree
 * on their names. Our own attributes all start with {@code flowlens.}; the rest follow OpenTelemetry conventions.
 */
public final class FlowlensAttributes {

    public static final AttributeKey<Long> USER_ID = AttributeKey.longKey("flowlens.user.id");
    public static final AttributeKey<Long> ORDER_ID = AttributeKey.longKey("flowlens.order.id");
    public static final AttributeKey<Long> PAYMENT_ID = AttributeKey.longKey("flowlens.payment.id");
    public static final AttributeKey<Double> AMOUNT = AttributeKey.doubleKey("flowlens.amount");
    public static final AttributeKey<String> CURRENCY = AttributeKey.stringKey("flowlens.currency");
    /** Marks a span whose work undoes an earlier step (saga compensation). */
    public static final AttributeKey<Boolean> COMPENSATION = AttributeKey.booleanKey("flowlens.compensation");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private FlowlensAttributes() {
    }
}
