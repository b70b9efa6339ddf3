package io.flowlens.servercheck;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request sent byte for byte: an HTTP client library encodes or refuses a target it finds malformed
 * ({@code ?q=a|b}) and frames a body its own way, and a test of a server's own refusal must send exactly those. In
 * server-check's test jar, for the modules whose servers it checks (the services' and the console's tests).
 */
public final class RawRequest {

    private RawRequest() {
    }

    /**
     * The answer, head and body, to {@code GET target} on {@code server} with these extra header lines. Read up to
     * its Content-Length: Helidon answers "Connection: close" but leaves the socket to the client.
     *
     * @param headerLines e.g. {@code "traceparent: 00-…"}
     */
    public static String get(URI server, String target, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        return answer(server, request.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Sends these bytes as they are (a request's head and body, framed or misframed as the test needs) and reads the
     * first answer, head and body, up to its Content-Length; it does not wait to see whether the server kept the
     * connection (see {@link #exchange}).
     */
    public static String answer(URI server, byte[] request) throws IOException {
        return exchange(server, request, false).text();
    }

    /**
     * As {@link #answer}, then whether the server closed the connection after it: when the server keeps it, that
     * takes two seconds of waiting for nothing, so only for a test that asserts it.
     */
    public static Answer exchange(URI server, byte[] request) throws IOException {
        return exchange(server, request, true);
    }

    private static Answer exchange(URI server, byte[] request, boolean seeIfClosed) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            Matcher length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            String answer = head + new String(body, StandardCharsets.UTF_8);
            if (!seeIfClosed) {
                return new Answer(answer, false);
            }
            // a server that keeps the connection waits for the next request: nothing arrives before the timeout
            socket.setSoTimeout(2_000);
            boolean closed;
            try {
                closed = in.read() < 0;
            } catch (SocketTimeoutException stillOpen) {
                closed = false;
            } catch (SocketException reset) {
                closed = true;
            }
            return new Answer(answer, closed);
        }
    }

    /** Sends these bytes and closes the connection without waiting for an answer: a client that went away. */
    public static void sendAndLeave(URI server, byte[] request) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.getOutputStream().write(request);
        }
    }

    /**
     * @param text   the head and body of the first answer
     * @param closed whether the server closed the connection after it ({@code false}: it kept it, or sent more)
     */
    public record Answer(String text, boolean closed) {
    }
}
