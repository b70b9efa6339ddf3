package io.flowlens.platform.problem;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Singleton;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.parsson.JsonProviderImpl;
import org.eclipse.parsson.api.JsonConfig;

/**
 * JSON-B for request bodies, as strict as the contracts: unknown properties are rejected
 * ({@code additionalProperties: false}) and a value of the wrong JSON type is not coerced ({@code "reason": false}
 * is not the string "false", {@code "amount": "12"} is not a number), a body is UTF-8 ({@link Utf8Parsers}) and a
 * string holds text ({@link NotText}). Each becomes a 400 problem whose detail {@link RequestBodyError} words in the
 * request's terms.
 * A {@code @Singleton}, not a normal-scoped bean: Jersey reads the resolver's type argument from the class, which a
 * CDI client proxy hides.
 */
@Provider
@Singleton
public class StrictJsonbResolver implements ContextResolver<Jsonb> {

    /** Yasson's switch (org.eclipse.yasson.YassonConfig.FAIL_ON_UNKNOWN_PROPERTIES). */
    static final String FAIL_ON_UNKNOWN_PROPERTIES = "jsonb.fail-on-unknown-properties";

    /** The deepest nesting a request body may have; the contracts' bodies are flat objects. */
    static final int MAX_DEPTH = 32;

    private final Jsonb jsonb = JsonbBuilder.newBuilder().withProvider(new ShallowJson()).withConfig(new JsonbConfig()
            .setProperty(FAIL_ON_UNKNOWN_PROPERTIES, true)
            .withDeserializers(new StrictString(), new StrictDecimal(), new StrictLong(), new StrictInteger()))
            .build();

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
    }

    /**
     * Parsson, with the nesting a parser accepts held to {@link #MAX_DEPTH} (Parsson's own limit is 1 000). Reading a
     * value of the wrong type ({@link #require}) builds it whole, one stack frame pair per level: 1 001 nested arrays,
     * 2 KB of body, overflowed the stack of a request's thread (StackOverflowError, a 500 in text). JSON-B parses a
     * body through the provider's parser factory, which is where the limit goes, and where the bytes are decoded
     * ({@link Utf8Parsers}).
     */
    static final class ShallowJson extends JsonProviderImpl {

        /** For a parser asked of the provider itself (JSON-B's fromJson of a String or a Reader): built once. */
        private final JsonParserFactory parsers = createParserFactory(Map.of());

        @Override
        public JsonParserFactory createParserFactory(Map<String, ?> config) {
            Map<String, Object> limited = new HashMap<>(config == null ? Map.of() : config);
            limited.put(JsonConfig.MAX_DEPTH, MAX_DEPTH + 1); // Parsson refuses a depth that reaches its limit
            return new Utf8Parsers(super.createParserFactory(limited));
        }

        @Override
        public JsonParser createParser(Reader reader) {
            return parsers.createParser(reader);
        }

        @Override
        public JsonParser createParser(InputStream in) {
            return parsers.createParser(in);
        }
    }

    /** The current value, which must be of JSON type {@code expected} or null (bean validation judges nulls). */
    private static JsonValue require(JsonParser parser, JsonValue.ValueType expected, String what) {
        JsonValue value = parser.getValue();
        if (value.getValueType() != expected && value.getValueType() != JsonValue.ValueType.NULL) {
            throw new UnexpectedJsonValue(what, value.getValueType());
        }
        return value;
    }

    private static BigDecimal integral(JsonParser parser) {
        JsonValue value = require(parser, JsonValue.ValueType.NUMBER, "an integer");
        if (!(value instanceof JsonNumber number)) {
            return null;
        }
        if (!number.isIntegral()) {
            throw new UnexpectedJsonValue("an integer", JsonValue.ValueType.NUMBER);
        }
        return number.bigDecimalValue();
    }

    private static final class StrictString implements JsonbDeserializer<String> {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context, Type type) {
            JsonValue value = require(parser, JsonValue.ValueType.STRING, "a string");
            return value instanceof JsonString string ? NotText.check(string.getString()) : null;
        }
    }

    private static final class StrictDecimal implements JsonbDeserializer<BigDecimal> {
        @Override
        public BigDecimal deserialize(JsonParser parser, DeserializationContext context, Type type) {
            JsonValue value = require(parser, JsonValue.ValueType.NUMBER, "a number");
            return value instanceof JsonNumber number ? number.bigDecimalValue() : null;
        }
    }

    private static final class StrictLong implements JsonbDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser parser, DeserializationContext context, Type type) {
            BigDecimal value = integral(parser);
            try {
                return value == null ? null : value.longValueExact();
            } catch (ArithmeticException tooLarge) {
                throw new UnexpectedJsonValue("an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE,
                        JsonValue.ValueType.NUMBER);
            }
        }
    }

    private static final class StrictInteger implements JsonbDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser parser, DeserializationContext context, Type type) {
            BigDecimal value = integral(parser);
            try {
                return value == null ? null : value.intValueExact();
            } catch (ArithmeticException tooLarge) {
                throw new UnexpectedJsonValue("an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE,
                        JsonValue.ValueType.NUMBER);
            }
        }
    }
}
