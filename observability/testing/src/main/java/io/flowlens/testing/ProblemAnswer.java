package io.flowlens.testing;

import io.flowlens.platform.problem.Problems;

import io.restassured.builder.ResponseSpecBuilder;
import io.restassured.specification.ResponseSpecification;

import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * What every Flowlens error answer must carry, as one REST Assured expectation: the HTTP status, the problem+json
 * media type, the problem type, the same status in the body and the request's W3C trace id.
 */
public final class ProblemAnswer {

    private ProblemAnswer() {
    }

    /**
     * An RFC 9457 problem+json answer with this status and type.
     *
     * @param type problem type slug under {@link Problems#TYPE_BASE}, e.g. {@code validation}
     */
    public static ResponseSpecification problem(int status, String type) {
        return new ResponseSpecBuilder()
                .expectStatusCode(status)
                .expectContentType(Problems.MEDIA_TYPE)
                .expectBody("type", is(Problems.TYPE_BASE + type))
                .expectBody("status", is(status))
                .expectBody("trace_id", matchesPattern("[0-9a-f]{32}"))
                .build();
    }
}
