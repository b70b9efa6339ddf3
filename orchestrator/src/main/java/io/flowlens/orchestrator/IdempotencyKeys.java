package io.flowlens.orchestrator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The Idempotency-Keys the orchestrator sends: the caller's, or one made up when it sent none (the clients' retries
 * are only safe with a key on every write), and one per saga step derived from the flow's.
 */
final class IdempotencyKeys {

    private static final int MAX_KEY_LENGTH = 200;

    private IdempotencyKeys() {
    }

    /** The caller's key, or {@code <prefix>-<uuid>} when it sent none. */
    static String orNew(String callerKey, String prefix) {
        return callerKey == null || callerKey.isBlank() ? prefix + "-" + UUID.randomUUID() : callerKey;
    }

    /** {@code <flowKey>:<step>}, or the flow key's SHA-256 in front when that would exceed the 200 characters a key may have. */
    static String forStep(String flowKey, String step) {
        if (flowKey == null) {
            return null;
        }
        String base = flowKey.length() + step.length() < MAX_KEY_LENGTH ? flowKey : sha256(flowKey);
        return base + ":" + step;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
