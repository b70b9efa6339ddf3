package io.flowlens.orchestrator;

import io.flowlens.testing.ContractClient;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.is;

/**
 * The full flow's {@code amount} and {@code currency} are held to their declared types before the flow starts: no
 * downstream service is called (none runs here), the answer is a 400 problem that names the parameter.
 */
@HelidonTest
class QueryParametersTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void aMistypedAmountIs400NamingIt() {
        ContractClient.givenInvalidRequest("orchestrator").get("/demo/full-flow/1?amount=lots")
                .then().statusCode(400).contentType(PROBLEM).body("type", endsWith("/validation"))
                .body("violations.field", contains("amount"))
                .body("detail", is("amount: expected a number, found 'lots'"));
    }

    @Test
    void anEmptyOrRepeatedAmountOrCurrencyIs400NamingIt() {
        ContractClient.givenInvalidRequest("orchestrator").get("/demo/full-flow/1?amount=")
                .then().statusCode(400).contentType(PROBLEM).body("detail", is("amount: empty; expected a number"));
        ContractClient.givenInvalidRequest("orchestrator").get("/demo/full-flow/1?amount=10&amount=abc")
                .then().statusCode(400).contentType(PROBLEM).body("detail", is("amount: given 2 times; expected one value"));
        ContractClient.givenInvalidRequest("orchestrator").get("/demo/full-flow/1?currency=USD&currency=EUR&amount=5")
                .then().statusCode(400).contentType(PROBLEM).body("violations.field", contains("currency"));
    }

    @Test
    void anAmountWithMoreThanTwoDecimalsIs400BeforeTheFlowStarts() {
        // it was refused by orders, after the run was recorded and users called; spelled out in that refusal,
        // 1e-999999999 ran orders out of heap (a 500)
        ContractClient.givenInvalidRequest("orchestrator").get("/demo/full-flow/1?amount=10.001")
                .then().statusCode(400).contentType(PROBLEM).body("type", endsWith("/validation"))
                .body("detail", is("amount must have at most two decimals, was 10.001"));
        ContractClient.givenInvalidRequest("orchestrator").get("/demo/full-flow/1?amount=1e-999999999")
                .then().statusCode(400).contentType(PROBLEM)
                .body("detail", is("amount must have at most two decimals, was 1E-999999999"));
    }

    @Test
    void aQueryParameterTheOperationDoesNotDeclareIs400NamingIt() {
        // a misspelt amount ran the flow at the default amount
        ContractClient.givenInvalidRequest("orchestrator").get("/demo/full-flow/1?amuont=10")
                .then().statusCode(400).contentType(PROBLEM).body("type", endsWith("/validation"))
                .body("violations.field", contains("amuont"))
                .body("detail", is("amuont: not a parameter of this operation, which takes amount, currency"));
        ContractClient.givenInvalidRequest("orchestrator").get("/users/1?verbose=true")
                .then().statusCode(400).contentType(PROBLEM)
                .body("detail", is("verbose: not a parameter of this operation, which takes none"));
        // the declared ones, and Jersey's OPTIONS for the path, are untouched
        ContractClient.givenOutsideContract().options("/demo/full-flow/1?amount=10").then().statusCode(200);
    }

    @Test
    void theGatewaysPagingIsHeldToTheSameRule() {
        ContractClient.givenInvalidRequest("orchestrator").get("/users?limit=60&offset=&offset=x&offset=y")
                .then().statusCode(400).contentType(PROBLEM).body("violations.field", contains("offset"));
    }
}
