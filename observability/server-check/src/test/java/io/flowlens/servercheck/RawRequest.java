package io.flowlens.servercheck;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GET whose request target is sent byte for byte: an HTTP client library encodes or refuses a target it finds
 * malformed ({@code ?q=a|b}), which is what a test of a server's own refusal must send. In server-check's test jar,
 * for the modules whose servers it checks (the services' and the console's tests).
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
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
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
            return head + new String(body, StandardCharsets.UTF_8);
        }
    }
}
