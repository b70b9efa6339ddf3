package io.flowlens.servercheck;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses an {@code Accept} or {@code Content-Type} that Jersey cannot parse with a {@link MalformedHeader}, which each
 * module's exception mapper answers as its problem+json. Jersey parses both to match the request to a resource
 * method, and answers its own parse failure ({@code HeaderValueException}) with a bare 400, no body and no content
 * type, without asking any exception mapper: {@code Accept: ///} got that from every service, the console and the span
 * indexer. Parsed here with Jersey's own parser, so nothing it accepts is refused.
 */
@Provider
@PreMatching
@ApplicationScoped
@Priority(Priorities.HEADER_DECORATOR)
public class MediaTypeHeaders implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        if (!parses(request::getAcceptableMediaTypes)) {
            throw new MalformedHeader("Accept", "must be a list of media ranges (RFC 9110, 12.5.1)");
        }
        if (!parses(request::getMediaType)) {
            throw new MalformedHeader("Content-Type", "must be a media type (RFC 9110, 8.3)");
        }
    }

    /** Jersey parses a header once per request, when first asked, and keeps the result. */
    private static boolean parses(Runnable parser) {
        try {
            parser.run();
            return true;
        } catch (ProcessingException malformed) {
            return false;
        }
    }

    /** A request header that does not parse; the message is {@code <header> <rule>}. */
    public static final class MalformedHeader extends BadRequestException {

        private static final long serialVersionUID = 1L;

        private final String header;
        private final String rule;

        MalformedHeader(String header, String rule) {
            super(header + " " + rule);
            this.header = header;
            this.rule = rule;
        }

        public String header() {
            return header;
        }

        public String rule() {
            return rule;
        }
    }
}
