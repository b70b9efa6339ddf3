package io.flowlens.platform.problem;

import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.flowlens.contracts.problem.Violation;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParsingException;

/**
 * Words a request body that JSON-B could not read in the request's terms: which property ({@code user_id}, nested as
 * {@code items.0.name}), what was expected ({@code an integer}), or where the JSON breaks. Yasson's own messages
 * name Java classes and packages; none of their text reaches the caller except the property names, which came from
 * the request.
 */
final class RequestBodyError {

    /** Yasson 3's wrapper around a property's failure (org.eclipse.yasson.internal.deserializer.ObjectDeserializer). */
    private static final Pattern PROPERTY = Pattern.compile("^Unable to deserialize property '([^']{1,200})' because of");
    /** Yasson 3's unknownJsonProperty message, raised with jsonb.fail-on-unknown-properties. */
    private static final Pattern UNKNOWN = Pattern.compile("^Json property (.{1,200}?) can not be mapped to a class ");
    /** Parsson's limit on nesting (a plain RuntimeException: JsonParserImpl.Stack), see StrictJsonbResolver. */
    private static final Pattern TOO_DEEP = Pattern.compile("^Input is too deeply nested \\d+");
    /** The whole body, when the failure is not tied to one property. */
    static final String BODY = "body";

    private RequestBodyError() {
    }

    /** The failing property (or {@value #BODY}) and what is wrong with it, from the exception chain of the failure. */
    static Violation describe(Throwable failure) {
        List<String> path = new ArrayList<>();
        String message = null;
        for (Throwable cause = failure; cause != null && message == null; cause = next(cause)) {
            String text = cause.getMessage() == null ? "" : cause.getMessage();
            Matcher property = PROPERTY.matcher(text);
            Matcher unknown = UNKNOWN.matcher(text);
            if (cause instanceof UnexpectedJsonValue unexpected) {
                message = "expected " + unexpected.expected() + ", found "
                        + UnexpectedJsonValue.describe(unexpected.found());
            } else if (cause instanceof NotText notText) {
                message = notText.getMessage();
            } else if (cause instanceof CharacterCodingException) {
                message = "not UTF-8 text, which a JSON body must be (RFC 8259)";
            } else if (cause instanceof JsonParsingException parsing) {
                message = "not valid JSON" + where(parsing.getLocation());
            } else if (TOO_DEEP.matcher(text).find()) {
                message = "nested deeper than " + StrictJsonbResolver.MAX_DEPTH + " levels";
            } else if (unknown.find()) {
                path.add(unknown.group(1));
                message = "unknown property";
            } else if (property.find()) {
                path.add(property.group(1));
            }
        }
        if (message == null) {
            message = "does not have the shape this operation expects (see its contract at /openapi)";
        }
        return new Violation().field(path.isEmpty() ? BODY : String.join(".", path)).message(message);
    }

    @SuppressWarnings("ReferenceEquality") // a cause chain ends where a throwable is its own cause: identity
    private static Throwable next(Throwable cause) {
        return cause.getCause() == cause ? null : cause.getCause();
    }

    private static String where(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNumber() + ", column " + location.getColumnNumber();
    }
}
