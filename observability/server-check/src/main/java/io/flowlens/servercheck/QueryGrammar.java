package io.flowlens.servercheck;

import io.helidon.http.Status;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Holds a request's query to RFC 3986's grammar, in place of Helidon 4.1.6's own check, which also refuses {@code :}
 * (helidon-io/helidon#9862, fixed in later releases than the MicroProfile modules served here): a hand-typed
 * {@code /dashboard?until=2026-12-06T21:00:00Z} or {@code ?q=service:orders} was a 400 in {@code text/plain} with an
 * HTML-escaped message. The platform's configuration switches Helidon's prologue check off
 * ({@code server.protocols.http_1_1.validate-prologue=false}); without a check in its place a character RFC 3986 does
 * not allow ({@code {}, {@code |}, a broken {@code %} escape) reached Jersey, whose {@code java.net.URI} answered 500.
 * Here such a query, and a fragment, which a request target never has, are a 400 problem+json naming the character,
 * answered by the module's {@link RefusedRequestAnswer} when it has one.
 */
@ApplicationScoped
public class QueryGrammar extends RequestCheck {

    static final String PROBLEM_TYPE = "malformed-query";

    @Inject
    public QueryGrammar(Instance<RefusedRequestAnswer> answers) {
        super(answers);
    }

    @Override
    protected void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String query = request.prologue().query().rawValue();
        String problem = request.prologue().fragment().hasValue()
                ? "a request target has no fragment ('#'); percent-encode it as %23"
                : problemWith(query);
        if (problem == null) {
            chain.proceed();
            return;
        }
        refusal().answer(request, response, Status.BAD_REQUEST_400, PROBLEM_TYPE, "Malformed query", problem);
    }

    /** What breaks RFC 3986's {@code query = *( pchar / "/" / "?" )}, or {@code null} when nothing does. */
    static String problemWith(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= query.length() || !hex(query.charAt(i + 1)) || !hex(query.charAt(i + 2))) {
                    return "'%' at index " + i + " of the query is not followed by two hexadecimal digits;"
                            + " a literal '%' is %25";
                }
                i += 2;
            } else if (!allowed(c)) {
                return (c < 0x20 || c > 0x7e ? String.format("character U+%04X", (int) c) : "'" + c + "'")
                        + " at index " + i + " of the query is not allowed unencoded (RFC 3986); percent-encode it"
                        + (c < 0x80 ? String.format(" as %%%02X", (int) c) : "");
            }
        }
        return null;
    }

    private static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "-._~".indexOf(c) >= 0 // unreserved
                || "!$&'()*+,;=".indexOf(c) >= 0 // sub-delims
                || ":@/?".indexOf(c) >= 0; // the rest of pchar, and what a query adds
    }

    private static boolean hex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
