package io.flowlens.spanindexer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import io.helidon.common.config.Config;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;
import io.helidon.http.encoding.spi.ContentEncodingProvider;

/**
 * Lets Helidon's web server take {@code Content-Encoding: gzip} request bodies (the collector's otlphttp default).
 * Helidon's own {@code helidon-http-encoding-gzip} is not published for 4.1.6 in the repository this project builds
 * from, and without a decoder the server answers such a request 400 before it reaches the resource. Decoding only: the
 * answers are a few bytes. Found through {@code META-INF/services}.
 */
public final class GzipRequestDecoding implements ContentEncodingProvider {

    @Override
    public String configKey() {
        return "gzip";
    }

    @Override
    public ContentEncoding create(Config config, String name) {
        return new Gzip();
    }

    private static final class Gzip implements ContentEncoding {

        @Override
        public Set<String> ids() {
            return Set.of("gzip", "x-gzip");
        }

        @Override
        public boolean supportsEncoding() {
            return false;
        }

        @Override
        public boolean supportsDecoding() {
            return true;
        }

        @Override
        public ContentDecoder decoder() {
            return body -> {
                try {
                    return new GZIPInputStream(body);
                } catch (IOException e) {
                    throw new UncheckedIOException("request body is not gzip", e);
                }
            };
        }

        @Override
        public ContentEncoder encoder() {
            return ContentEncoder.NO_OP;
        }

        @Override
        public String name() {
            return "gzip";
        }

        @Override
        public String type() {
            return "gzip";
        }
    }
}
