package io.flowlens.analytics;

/** Spans and error spans of one service over a window. */
public record ServiceErrors(String service, long spans, long errors) {

    /** Error spans per hundred spans; 0 when there were none. */
    public double percent() {
        return spans == 0 ? 0 : 100.0 * errors / spans;
    }
}
