package io.flowlens.platform.problem;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

/**
 * Parsers that read a body's bytes as UTF-8 and refuse bytes that are not: JSON between systems is UTF-8 (RFC 8259
 * section 8.1). Parsson decodes with an {@link InputStreamReader}, which replaces such bytes with U+FFFD, so a name
 * sent in Latin-1 ({@code caf\xE9}) or a truncated sequence was stored with the replacement character in it. The
 * decoder's {@link java.nio.charset.MalformedInputException} ends the parse, and {@link RequestBodyError} words it.
 * JSON-B asks for UTF-8 whatever the request's {@code charset} says (Yasson's {@code jsonb.encoding}), so a body
 * declared in another charset is judged as UTF-8 too.
 */
final class Utf8Parsers implements JsonParserFactory {

    private final JsonParserFactory parsers;

    Utf8Parsers(JsonParserFactory parsers) {
        this.parsers = parsers;
    }

    @Override
    public JsonParser createParser(Reader reader) {
        return parsers.createParser(reader);
    }

    @Override
    public JsonParser createParser(InputStream in) {
        return parsers.createParser(utf8(in));
    }

    @Override
    public JsonParser createParser(InputStream in, Charset charset) {
        return parsers.createParser(utf8(in));
    }

    @Override
    public JsonParser createParser(JsonObject obj) {
        return parsers.createParser(obj);
    }

    @Override
    public JsonParser createParser(JsonArray array) {
        return parsers.createParser(array);
    }

    @Override
    public Map<String, ?> getConfigInUse() {
        return parsers.getConfigInUse();
    }

    private static Reader utf8(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    }
}
