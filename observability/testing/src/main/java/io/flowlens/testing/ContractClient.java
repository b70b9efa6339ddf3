package io.flowlens.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
import io.helidon.microprofile.server.ServerCdiExtension;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.enterprise.inject.spi.CDI;

/**
 * REST Assured requests against the running test server whose every request and response is validated against the
 * service's bundled OpenAPI contract: a response the contract does not allow fails the test.
 */
public final class ContractClient {

    private ContractClient() {
    }

    /**
     * A request that is validated against the bundled contract, and its answer too.
     *
     * @param contract bundled contract name, e.g. {@code users} for {@code META-INF/openapi-bundled/users.yaml}
     */
    public static RequestSpecification given(String contract) {
        return givenOutsideContract().filter(new OpenApiValidationFilter(validator(contract)));
    }

    /** Same, but only the response is validated: for tests that send bad input on purpose. */
    public static RequestSpecification givenInvalidRequest(String contract) {
        return givenOutsideContract()
                .filter(new OpenApiValidationFilter(OpenApiInteractionValidator
                        .createForSpecificationUrl(specification(contract))
                        .withLevelResolver(LevelResolver.create()
                                .withLevel("validation.request", ValidationReport.Level.IGNORE)
                                .build())
                        .build()));
    }

    /**
     * A request to the running test server that no contract validates: for what the contracts do not describe (a
     * method or path without an operation, the 405, 415 or 404 it gets).
     */
    public static RequestSpecification givenOutsideContract() {
        return RestAssured.given().port(CDI.current().getBeanManager().getExtension(ServerCdiExtension.class).port());
    }

    private static OpenApiInteractionValidator validator(String contract) {
        return OpenApiInteractionValidator.createForSpecificationUrl(specification(contract)).build();
    }

    private static String specification(String contract) {
        return ContractClient.class.getClassLoader().getResource("META-INF/openapi-bundled/" + contract + ".yaml").toString();
    }
}
