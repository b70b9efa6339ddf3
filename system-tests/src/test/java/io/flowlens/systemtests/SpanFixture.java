package io.flowlens.systemtests;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Generates span documents shaped like the services' real traces (see README "The trace of one full flow"), with
 * known errors, declines, compensations and unanswered calls, deterministically from a seed. The tests compute their
 * expectations from the generated list, never from the CLI.
 */
final class SpanFixture {

    private final Random random;
    private final List<FixtureSpan> spans = new ArrayList<>();

    SpanFixture(long seed) {
        this.random = new Random(seed);
    }

    List<FixtureSpan> spans() {
        return spans;
    }

    /** How a full flow ends. */
    enum Outcome { COMPLETED, DECLINED, USER_FAILS, PAYMENTS_UNREACHABLE }

    /** One trace being built: spans get increasing, distinct start times from the trace's start. */
    final class Trace {
        private final String id = hex(16);
        private final Instant start;
        private int offsetMillis;

        Trace(Instant start) {
            this.start = start;
        }

        String id() {
            return id;
        }

        FixtureSpan span(FixtureSpan parent, String service, String name, String kind) {
            FixtureSpan span = FixtureSpan.of(start.plusMillis(offsetMillis++), id, hex(8),
                    parent == null ? null : parent.spanId(), service, name, kind)
                    .withDuration(1 + random.nextInt(300));
            return span;
        }

        /** Adds the span (possibly changed after {@link #span}) to the fixture. */
        FixtureSpan add(FixtureSpan span) {
            spans.add(span);
            return span;
        }

        /** A CLIENT span and the SERVER span of the callee it caused, both added. Answers the server span. */
        FixtureSpan call(FixtureSpan parent, String caller, String clientName, String callee, String serverName,
                         String method, int status) {
            boolean failed = status >= 500;
            FixtureSpan client = add(span(parent, caller, clientName, "CLIENT").withHttp(method, status)
                    .withError(failed));
            return add(span(client, callee, serverName, "SERVER").withHttp(method, status).withError(failed));
        }

        void database(FixtureSpan parent, String service, String statement) {
            add(span(parent, service, statement, "CLIENT").withDb("h2"));
        }
    }

    /** The orchestrator's full flow: get user, create order, authorize payment, confirm or cancel. */
    String fullFlow(Instant start, Outcome outcome) {
        return fullFlow(start, outcome, false);
    }

    /**
     * A full flow; {@code fromTracedCaller}: the request carried a caller's {@code traceparent} (as k6 sends), so the
     * entry span has a parent span id that no indexed span has.
     */
    String fullFlow(Instant start, Outcome outcome, boolean fromTracedCaller) {
        Trace trace = new Trace(start);
        boolean userFails = outcome == Outcome.USER_FAILS;
        boolean unreachable = outcome == Outcome.PAYMENTS_UNREACHABLE;
        FixtureSpan root = trace.span(null, "orchestrator", "GET /demo/full-flow/{userId}", "SERVER")
                .withHttp("GET", userFails ? 500 : unreachable ? 502 : 200).withError(userFails || unreachable);
        if (fromTracedCaller) {
            root = root.withParent(hex(8));
        }
        trace.add(root.withDuration(400 + random.nextInt(600)));
        FixtureSpan flow = trace.add(trace.span(root, "orchestrator", "flow.run", "INTERNAL")
                .withError(userFails || unreachable));

        FixtureSpan user = trace.call(flow, "orchestrator", "GET", "users", "GET /users/{userId}", "GET",
                userFails ? 500 : 200);
        trace.database(user, "users", "SELECT users");
        if (userFails) {
            return trace.id();
        }
        FixtureSpan order = trace.call(flow, "orchestrator", "POST", "orders", "POST /orders", "POST", 201);
        FixtureSpan create = trace.add(trace.span(order, "orders", "orders.create", "INTERNAL"));
        FixtureSpan owner = trace.call(create, "orders", "GET", "users", "GET /users/{userId}", "GET", 200);
        trace.database(owner, "users", "SELECT users");
        trace.database(create, "orders", "INSERT orders");
        if (unreachable) {
            // the connection timed out: a slow failed CLIENT span and no SERVER span in payments
            trace.add(trace.span(flow, "orchestrator", "POST", "CLIENT").withHttp("POST", null).withError(true)
                    .withDuration(5000));
            return trace.id();
        }
        boolean declined = outcome == Outcome.DECLINED;
        FixtureSpan payment = trace.call(flow, "orchestrator", "POST", "payments", "POST /payments", "POST", 201);
        FixtureSpan authorize = trace.add(trace.span(payment, "payments", "payments.authorize", "INTERNAL")
                .withPayment(declined ? "DECLINED" : "AUTHORIZED")); // a decline is an outcome, not an error
        trace.database(authorize, "payments", "INSERT payments");
        if (declined) {
            FixtureSpan cancel = trace.call(flow, "orchestrator", "POST", "orders", "POST /orders/{orderId}/cancel",
                    "POST", 200);
            trace.add(trace.span(cancel, "orders", "orders.cancel", "INTERNAL").withCompensation());
        } else {
            FixtureSpan confirm = trace.call(flow, "orchestrator", "POST", "orders", "POST /orders/{orderId}/confirm",
                    "POST", 200);
            trace.add(trace.span(confirm, "orders", "orders.confirm", "INTERNAL"));
        }
        return trace.id();
    }

    /** A sign-up straight to the users service; a failed one is a 500 and an error {@code users.register}. */
    String signUp(Instant start, boolean fails) {
        Trace trace = new Trace(start);
        FixtureSpan root = trace.add(trace.span(null, "users", "POST /users", "SERVER")
                .withHttp("POST", fails ? 500 : 201).withError(fails));
        FixtureSpan register = trace.add(trace.span(root, "users", "users.register", "INTERNAL").withError(fails));
        trace.database(register, "users", "INSERT users");
        return trace.id();
    }

    /** A call that crosses the window's end: the CLIENT span inside, the SERVER span it caused just after. */
    String acrossTheEnd(Instant end) {
        Trace trace = new Trace(end.minusMillis(30));
        FixtureSpan root = trace.add(trace.span(null, "orchestrator", "GET /demo/full-flow/{userId}", "SERVER")
                .withHttp("GET", 200).withDuration(60));
        FixtureSpan client = trace.add(trace.span(root, "orchestrator", "GET", "CLIENT").withHttp("GET", 200));
        FixtureSpan server = FixtureSpan.of(end.plusMillis(700), trace.id(), hex(8), client.spanId(), "users",
                "GET /users/{userId}", "SERVER").withHttp("GET", 200).withDuration(12);
        trace.add(server);
        return trace.id();
    }

    /** Plain spans of one service and name, for the alert fixtures: {@code count} spans spread over the window. */
    void spread(String service, String name, Instant from, Duration over, int count, int errors, double durationMs) {
        for (int i = 0; i < count; i++) {
            Trace trace = new Trace(from.plusMillis(over.toMillis() * i / count));
            trace.add(trace.span(null, service, name, "SERVER").withHttp("GET", i < errors ? 500 : 200)
                    .withError(i < errors).withDuration(durationMs));
        }
    }

    /** One root SERVER span of the given duration; answers its trace id. */
    String slowSpan(String service, String name, Instant start, double durationMs) {
        Trace trace = new Trace(start);
        trace.add(trace.span(null, service, name, "SERVER").withHttp("GET", 200).withDuration(durationMs));
        return trace.id();
    }

    /** Replaces spans in place (e.g. to give a latency group known durations). */
    void replace(FixtureSpan old, FixtureSpan replacement) {
        spans.set(spans.indexOf(old), replacement);
    }

    String hex(int bytes) {
        byte[] id = new byte[bytes];
        random.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
