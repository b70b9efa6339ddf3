package io.flowlens.platform.problem;

import jakarta.json.bind.JsonbException;

/**
 * A request body string that JSON allows but no text column holds: U+0000, which PostgreSQL refuses (the insert failed,
 * and the service answered 503 "database unavailable", which callers retry), and a surrogate without its pair, which
 * is not Unicode and was stored as '?'. Refused for every string, whichever database the service runs on.
 */
final class NotText extends JsonbException {

    private NotText(String message) {
        super(message);
    }

    /** Fails for the first such character of {@code value}; answers it unchanged otherwise. */
    static String check(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                throw new NotText("contains U+0000 at index " + i + ", which text cannot hold");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1));
                if (!paired) {
                    throw new NotText(String.format("contains an unpaired surrogate U+%04X at index %d, which is not"
                            + " Unicode text", (int) c, i));
                }
                i++; // the pair's low half
            }
        }
        return value;
    }
}
