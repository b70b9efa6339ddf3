package io.flowlens.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class ErrorAnalysisTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anErrorSpanCarriesItsExceptionAndItsTrace() throws Exception {
        ErrorAnalysis.ErrorSpan error = ErrorAnalysis.ErrorSpan.fromSource(JSON.readTree("""
                {"@timestamp": "2026-12-03T06:00:00Z", "trace_id": "abc", "span_id": "s1", "service": "payments",
                 "name": "POST /payments", "kind": "SERVER", "error": true, "duration_ms": 3.5, "error_type": "500",
                 "status_message": "injected", "exception.type": "jakarta.ws.rs.InternalServerErrorException",
                 "exception.message": "injected error"}"""));

        assertThat(error.span().traceId(), is("abc"));
        assertThat(error.span().service(), is("payments"));
        assertThat(error.exceptionType(), is("jakarta.ws.rs.InternalServerErrorException"));
        assertThat(error.exceptionMessage(), is("injected error"));
        assertThat(error.errorType(), is("500"));
        assertThat(error.statusMessage(), is("injected"));
    }

    @Test
    void anErrorWithoutExceptionHasEmptyExceptionFields() throws Exception {
        ErrorAnalysis.ErrorSpan error = ErrorAnalysis.ErrorSpan.fromSource(JSON.readTree("""
                {"trace_id": "abc", "error": true, "error_type": "timeout"}"""));

        assertThat(error.exceptionType(), is(""));
        assertThat(error.errorType(), is("timeout"));
    }
}
