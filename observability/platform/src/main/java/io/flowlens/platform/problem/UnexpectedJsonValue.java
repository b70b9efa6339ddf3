package io.flowlens.platform.problem;

import java.util.Locale;

import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;

/**
 * A request body value of the wrong JSON type. It carries what was expected in the request's own words
 * ("an integer"), so the answer can say that instead of the Java type it was to become.
 */
final class UnexpectedJsonValue extends JsonbException {

    private final String expected;
    private final JsonValue.ValueType found;

    UnexpectedJsonValue(String expected, JsonValue.ValueType found) {
        super("expected " + expected + ", found " + describe(found));
        this.expected = expected;
        this.found = found;
    }

    String expected() {
        return expected;
    }

    JsonValue.ValueType found() {
        return found;
    }

    /** {@code TRUE} → "a boolean", {@code NUMBER} → "a number": the JSON words, not the enum's. */
    static String describe(JsonValue.ValueType type) {
        return switch (type) {
            case TRUE, FALSE -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> "a " + type.name().toLowerCase(Locale.ROOT);
        };
    }
}
