package io.flowlens.platform.problem;

import io.flowlens.contracts.orders.model.OrderCreate;
import io.flowlens.contracts.problem.Problem;
import io.flowlens.contracts.users.model.UserPage;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Bodies the strict JSON-B cannot read, answered the way Jersey hands them to the mapper (a ProcessingException around
 * Yasson's exception): the detail speaks of the request's properties, never of Java classes.
 */
class MalformedRequestMapperTest {

    private final Jsonb jsonb = new StrictJsonbResolver().getContext(OrderCreate.class);

    @Test
    void aWronglyTypedPropertyIsNamedWithTheTypeItNeeds() {
        Problem problem = answer("{\"user_id\": \"one\", \"amount\": 99.99}", OrderCreate.class);
        assertThat(problem.getStatus(), is(400));
        assertThat(problem.getDetail(), is("user_id: expected an integer, found a string"));
        assertThat(problem.getViolations().get(0).getField(), is("user_id"));
        assertSafe(problem);
    }

    @Test
    void anUnknownPropertyIsNamed() {
        Problem problem = answer("{\"user_id\": 1, \"amount\": 99.99, \"userId\": 1}", OrderCreate.class);
        assertThat(problem.getDetail(), is("userId: unknown property"));
        assertSafe(problem);
    }

    @Test
    void aNumberThatIsNotAnIntegerOrOutOfRangeIsNamed() {
        assertThat(answer("{\"user_id\": 1.5, \"amount\": 1}", OrderCreate.class).getDetail(),
                is("user_id: expected an integer, found a number"));
        Problem tooLarge = answer("{\"user_id\": 99999999999999999999, \"amount\": 1}", OrderCreate.class);
        assertThat(tooLarge.getDetail(), containsString("user_id: expected an integer from"));
        assertThat(answer("{\"user_id\": 1, \"amount\": \"12\"}", OrderCreate.class).getDetail(),
                is("amount: expected a number, found a string"));
    }

    @Test
    void aNestedPropertyIsNamedByItsPath() {
        Problem problem = answer("{\"items\": [{\"id\": 1, \"name\": 7}], \"limit\": 1, \"offset\": 0, \"total\": 1}",
                UserPage.class);
        assertThat(problem.getDetail(), allOf(containsString("items"), containsString("name: expected a string")));
        assertSafe(problem);
    }

    @Test
    void brokenJsonAndTheWrongShapeSayWhereOrWhatWithoutClassNames() {
        assertThat(answer("{\"user_id\": 1,", OrderCreate.class).getDetail(), containsString("body: not valid JSON at line 1"));
        Problem array = answer("[1]", OrderCreate.class);
        assertThat(array.getDetail(), containsString("body: does not have the shape this operation expects"));
        assertSafe(array);
    }

    private Problem answer(String body, Class<?> type) {
        JsonbException failure = assertThrows(JsonbException.class, () -> jsonb.fromJson(body, type));
        Response response = new MalformedRequestMapper().toResponse(
                new ProcessingException("Error deserializing object from entity stream.", failure));
        assertThat(response.getMediaType().toString(), is(Problems.MEDIA_TYPE));
        return (Problem) response.getEntity();
    }

    private static void assertSafe(Problem problem) {
        assertThat(problem.getDetail(), allOf(not(containsString("io.flowlens")), not(containsString("class ")),
                not(containsString("yasson")), not(containsString("java."))));
    }
}
