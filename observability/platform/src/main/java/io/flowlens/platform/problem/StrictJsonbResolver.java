package io.flowlens.platform.problem;

import java.lang.reflect.Type;
import java.math.BigDecimal;

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
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * JSON-B for request bodies, as strict as the contracts: unknown properties are rejected
 * ({@code additionalProperties: false}) and a value of the wrong JSON type is not coerced ({@code "reason": false}
 * is not the string "false", {@code "amount": "12"} is not a number). Either becomes a 400 problem whose detail
 * {@link RequestBodyError} words in the request's terms.
 * A {@code @Singleton}, not a normal-scoped bean: Jersey reads the resolver's type argument from the class, which a
 * CDI client proxy hides.
 */
@Provider
@Singleton
public class StrictJsonbResolver implements ContextResolver<Jsonb> {

    /** Yasson's switch (org.eclipse.yasson.YassonConfig.FAIL_ON_UNKNOWN_PROPERTIES). */
    static final String FAIL_ON_UNKNOWN_PROPERTIES = "jsonb.fail-on-unknown-properties";

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig()
            .setProperty(FAIL_ON_UNKNOWN_PROPERTIES, true)
            .withDeserializers(new StrictString(), new StrictDecimal(), new StrictLong(), new StrictInteger()));

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
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
            return value instanceof JsonString string ? string.getString() : null;
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
