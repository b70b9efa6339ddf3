package io.flowlens.platform.client;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.flowlens.platform.problem.ProblemException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link DownstreamCall} around a stand-in for the REST client's telemetry filter, which makes its CLIENT span
 * current when the request goes out and ends both when the answer comes; a call cut off by a timeout gets no answer.
 * {@link OpenScopes} sees every scope that is left open.
 */
class DownstreamCallTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final Tracer tracer = tracing.get("test");

    @AfterEach
    void close() {
        tracing.close();
    }

    @Test
    void anAnsweredCallLeavesTheCallersContextCurrentAndNoScopeOpen() {
        Span caller = tracer.spanBuilder("caller").startSpan();
        try (Scope ignored = caller.makeCurrent()) {
            Context before = Context.current();
            List<Scope> openBefore = OpenScopes.open();
            String answer = DownstreamCall.call("users", () -> {
                Span client = tracer.spanBuilder("HTTP GET").setSpanKind(SpanKind.CLIENT).startSpan();
                try (Scope filterScope = client.makeCurrent()) {
                    return "answer";
                } finally {
                    client.end();
                }
            });
            assertThat(answer, is("answer"));
            assertThat(Context.current(), is(sameInstance(before)));
            assertThat(OpenScopes.open(), containsInAnyOrder(openBefore.toArray()));
        } finally {
            caller.end();
        }
        SpanData client = only("HTTP GET");
        assertThat(client.getStatus().getStatusCode(), is(StatusCode.UNSET));
    }

    @Test
    void aCalleeThatCannotServeNowIs503AndWorthAnotherTryButItsFailedAnswerIs502() {
        ProblemException unavailable = assertThrows(ProblemException.class, () -> DownstreamCall.call("orders", () -> {
            throw new WebApplicationException(Response.status(503).build());
        }));
        assertThat(unavailable, is(instanceOf(RetryableDownstreamException.class)));
        assertThat("once the tries are spent the caller hears 503 too (a database restart is no bad gateway)",
                unavailable.status(), is(503));
        assertThat(unavailable.getMessage(), is("orders answered 503"));

        ProblemException failed = assertThrows(ProblemException.class, () -> DownstreamCall.call("orders", () -> {
            throw new WebApplicationException(Response.status(500).build());
        }));
        assertThat(failed, is(not(instanceOf(RetryableDownstreamException.class))));
        assertThat(failed.status(), is(502));
    }

    @Test
    @SuppressWarnings("MustBeClosedChecker") // the test plays a REST client filter that leaves its scope open
    void aCallCutOffByATimeoutEndsTheClientSpanPutsTheCallersContextBackAndOpensNoScopeOfItsOwn() {
        Span caller = tracer.spanBuilder("caller").startSpan();
        AtomicReference<Scope> clientScope = new AtomicReference<>();
        try (Scope ignored = caller.makeCurrent()) {
            Context before = Context.current();
            List<Scope> openBefore = OpenScopes.open();
            ProblemException timedOut = assertThrows(ProblemException.class, () -> DownstreamCall.call("payments", () -> {
                Span client = tracer.spanBuilder("HTTP POST").setSpanKind(SpanKind.CLIENT).startSpan();
                clientScope.set(client.makeCurrent()); // the response filter that would close it never runs
                throw new ProcessingException(new InterruptedIOException("cut off by the Fault Tolerance timeout"));
            }));
            assertThat(timedOut.status(), is(504));
            assertThat("the caller's context is current again", Context.current(), is(sameInstance(before)));
            List<Scope> expected = new ArrayList<>(openBefore);
            expected.add(clientScope.get());
            assertThat("only the client's own scope is left open, none of DownstreamCall's", OpenScopes.open(),
                    containsInAnyOrder(expected.toArray()));
            Span after = tracer.spanBuilder("after").startSpan();
            after.end();
            assertThat("later spans are children of the caller again", only("after").getParentSpanId(),
                    is(caller.getSpanContext().getSpanId()));
        } finally {
            caller.end();
        }
        SpanData client = only("HTTP POST");
        assertThat(client.hasEnded(), is(true));
        assertThat(client.getKind(), is(SpanKind.CLIENT));
        assertThat(client.getParentSpanId(), is(caller.getSpanContext().getSpanId()));
        assertThat(client.getStatus().getStatusCode(), is(StatusCode.ERROR));
        assertThat(client.getAttributes().get(AttributeKey.stringKey("error.type")), is("timeout"));
    }

    private SpanData only(String name) {
        List<SpanData> named = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(name + " spans", named.size(), is(1));
        return named.get(0);
    }
}
