package io.flowlens.servercheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Refuses a request whose body length cannot be known the way RFC 9112 (section 6) defines it, with a 400
 * problem+json (or a 501 for a transfer coding other than chunked) before anything reads the body, and closes the
 * connection after it, since where the body ends, and so where the next request begins, is unknown.
 *
 * <p>Helidon 4.1.6 takes a {@code Content-Length} it can parse as a number, negative ones too, and reads a body of
 * length -1 as chunked: {@code Content-Length: -1} with a chunked body of 200 MB went past every body limit here (the
 * services' 64 KiB, the span indexer's 32 MiB) into an {@code OutOfMemoryError}. It also reads the first of two
 * different lengths, a declared length over a {@code Transfer-Encoding} that RFC 9112 says overrides it, and
 * {@code Transfer-Encoding: Chunked} (a spelling RFC 9112 allows) as no body at all: a proxy in front that reads the
 * other one would see a different next request than this server (request smuggling).
 */
@ApplicationScoped
public class RequestFraming extends RequestCheck {

    static final String PROBLEM_TYPE = "malformed-request";
    /**
     * What a server here says of a chunked body that Helidon 4.1.6 could not read once its head passed this check:
     * its parser throws on a malformed chunk, and on chunk extensions and trailers, which it does not read.
     */
    public static final String UNREADABLE_CHUNKS = "the chunked transfer coding is malformed, or has chunk extensions"
            + " or trailers, which this server does not read (RFC 9112, 7.1)";
    /** RFC 9110's {@code Content-Length = 1*DIGIT}, compiled once: the check runs on every request with a body. */
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    @Inject
    public RequestFraming(Instance<RefusedRequestAnswer> answers) {
        super(answers);
    }

    @Override
    protected void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        Refusal refused = problemWith(request.headers());
        if (refused == null) {
            chain.proceed();
            return;
        }
        response.header(HeaderValues.CONNECTION_CLOSE);
        refusal().answer(request, response, refused.status(), PROBLEM_TYPE, "Malformed request", refused.detail());
        // the header alone does not end Helidon 4.1.6's connection: it went on to read what followed the head as the
        // next request, which with these headers may be the body (a GET pipelined after "Content-Length: -1" was
        // served)
        throw new CloseConnectionException("closed after refusing a request whose framing is unknown");
    }

    /** What makes the body's length unknowable, or {@code null} when nothing does. */
    private static Refusal problemWith(Headers headers) {
        List<String> lengths = values(headers, HeaderNames.CONTENT_LENGTH);
        List<String> codings = values(headers, HeaderNames.TRANSFER_ENCODING);
        if (!lengths.isEmpty() && !codings.isEmpty()) {
            return new Refusal(Status.BAD_REQUEST_400, "a request has either Content-Length or Transfer-Encoding,"
                    + " not both (RFC 9112, 6.3)");
        }
        for (String length : lengths) {
            if (!DIGITS.matcher(length).matches()) {
                return new Refusal(Status.BAD_REQUEST_400, "Content-Length: must be a number of bytes (RFC 9110,"
                        + " 8.6), was '" + printable(length) + "'");
            }
            if (!length.equals(lengths.getFirst())) {
                return new Refusal(Status.BAD_REQUEST_400, "Content-Length: one length, not " + lengths.size()
                        + " different ones (RFC 9110, 8.6)");
            }
        }
        if (!codings.isEmpty() && !codings.getLast().equalsIgnoreCase("chunked")) {
            return new Refusal(Status.BAD_REQUEST_400, "Transfer-Encoding: chunked must be the last coding (RFC 9112,"
                    + " 6.3), was '" + printable(String.join(", ", codings)) + "'");
        }
        // Helidon 4.1.6 reads "chunked" in lower case only, and any other spelling as no body at all
        if (codings.size() > 1 || codings.size() == 1 && !codings.getFirst().equals("chunked")) {
            return new Refusal(Status.NOT_IMPLEMENTED_501, "Transfer-Encoding: only chunked, in lower case, is"
                    + " understood here, not '" + printable(String.join(", ", codings)) + "' (RFC 9112, 6.1)");
        }
        return null;
    }

    /** Every comma-separated element of every line of the header, trimmed; empty elements count for nothing. */
    private static List<String> values(Headers headers, HeaderName name) {
        List<String> values = new ArrayList<>();
        for (String line : headers.all(name, List::of)) {
            for (String element : line.split(",", -1)) {
                String value = element.strip();
                if (!value.isEmpty()) {
                    values.add(value);
                }
            }
        }
        return values;
    }

    /** A value as a problem may show it: at most 40 characters, controls and non-ASCII escaped. */
    private static String printable(String value) {
        StringBuilder shown = new StringBuilder();
        value.codePoints().limit(40).forEach(c -> shown.append(c >= 0x20 && c < 0x7f
                ? Character.toString(c) : String.format(Locale.ROOT, "\\u%04X", c)));
        return value.codePointCount(0, value.length()) > 40 ? shown + "…" : shown.toString();
    }

    private record Refusal(Status status, String detail) {
    }
}
