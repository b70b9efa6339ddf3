package io.flowlens.platform.problem;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.flowlens.contracts.problem.Violation;
import io.flowlens.servercheck.UndeclaredQuery;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import org.glassfish.jersey.model.Parameter;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * Holds every query and path parameter to its declared type before the resource runs. JAX-RS alone takes the first of
 * repeated values, treats an empty one as absent and (for some types) ignores what it cannot parse, so
 * {@code ?offset=&offset=x} would be answered as if no offset were given; a path parameter it cannot parse
 * ({@code /users/abc}) fails later, without saying what was expected. Here a scalar query parameter (one whose
 * declared type is not a collection) sent more than once, sent empty, or not parsable as its type, and a path
 * parameter not parsable as its type, are a 400 problem that names them. So is a query parameter the operation does
 * not declare: a misspelt {@code ?amuont=10} ran the full flow, with its orders and payments, at the default amount,
 * where a misspelt JSON property is already refused ({@link UndeclaredQuery}, the rule the console shares; an OPTIONS
 * request, which Jersey answers for the path, is exempt). One check for every resource method, read from the matched
 * method's declared {@code @QueryParam}s and {@code @PathParam}s.
 */
@Provider
@ApplicationScoped
// after the telemetry filter (USER), so the problem is recorded on the request's span, and before idempotency
// (USER + 100), so a rejected request claims no key
@Priority(Priorities.USER + 50)
public class StrictParameters implements ContainerRequestFilter {

    private static final int SHOWN_VALUE_LENGTH = 40;

    /** Declared types JAX-RS would parse, with the words a caller understands and a check as strict as the contract. */
    private static final Map<Class<?>, Expectation> EXPECTATIONS = Map.ofEntries(
            Map.entry(Integer.class, new Expectation("an integer", Integer::parseInt)),
            Map.entry(int.class, new Expectation("an integer", Integer::parseInt)),
            Map.entry(Long.class, new Expectation("an integer", Long::parseLong)),
            Map.entry(long.class, new Expectation("an integer", Long::parseLong)),
            Map.entry(BigDecimal.class, new Expectation("a number", BigDecimal::new)),
            Map.entry(Double.class, new Expectation("a number", StrictParameters::finiteDouble)),
            Map.entry(double.class, new Expectation("a number", StrictParameters::finiteDouble)),
            Map.entry(Boolean.class, new Expectation("true or false", StrictParameters::strictBoolean)),
            Map.entry(boolean.class, new Expectation("true or false", StrictParameters::strictBoolean)));

    @Override
    public void filter(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo uriInfo)) {
            return;
        }
        ResourceMethod method = uriInfo.getMatchedResourceMethod();
        if (method == null) {
            return;
        }
        List<Violation> violations = new ArrayList<>();
        for (Parameter parameter : method.getInvocable().getParameters()) {
            List<String> values = switch (parameter.getSource()) {
                case QUERY -> Collection.class.isAssignableFrom(parameter.getRawType())
                        ? null : uriInfo.getQueryParameters().get(parameter.getSourceName());
                case PATH -> uriInfo.getPathParameters().get(parameter.getSourceName());
                default -> null;
            };
            String problem = values == null ? null : check(values, expectationOf(parameter.getRawType()));
            if (problem != null) {
                violations.add(new Violation().field(parameter.getSourceName()).message(problem));
            }
        }
        if (!HttpMethod.OPTIONS.equals(request.getMethod())) { // Jersey answers an OPTIONS for the whole path
            UndeclaredQuery.of(request).ifPresent(undeclared -> undeclared.names().forEach(name -> violations.add(
                    new Violation().field(name).message("not a parameter of this operation, which takes "
                            + undeclared.takes()))));
        }
        if (!violations.isEmpty()) {
            String detail = String.join("; ", violations.stream().map(v -> v.getField() + ": " + v.getMessage()).toList());
            request.abortWith(Problems.response(400, "validation", "Request validation failed", detail, violations,
                    uriInfo, null));
        }
    }

    /** How a value of the declared type is checked; an enum (a contract's {@code enum}) takes its values as sent. */
    private static Expectation expectationOf(Class<?> type) {
        if (type.isEnum()) {
            List<String> names = Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
            return new Expectation("one of " + String.join(", ", names), value -> {
                if (!names.contains(value)) {
                    throw new IllegalArgumentException("not one of the values");
                }
            });
        }
        return EXPECTATIONS.get(type);
    }

    /** What is wrong with the values of one scalar parameter, or {@code null} when it is one usable value. */
    private static String check(List<String> values, Expectation expectation) {
        if (values.size() > 1) {
            return "given " + values.size() + " times; expected one value";
        }
        String value = values.get(0);
        if (value == null || value.isEmpty()) {
            return "empty; expected " + (expectation == null ? "a value" : expectation.words());
        }
        if (expectation != null) {
            try {
                expectation.parser().accept(value);
            } catch (IllegalArgumentException | ArithmeticException unparsable) {
                return "expected " + expectation.words() + ", found '" + shown(value) + "'";
            }
        }
        return null;
    }

    private static String shown(String value) {
        return value.length() <= SHOWN_VALUE_LENGTH ? value : value.substring(0, SHOWN_VALUE_LENGTH) + "…";
    }

    private static void finiteDouble(String value) {
        if (!Double.isFinite(Double.parseDouble(value))) {
            throw new NumberFormatException("not finite");
        }
    }

    private static void strictBoolean(String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("not a boolean");
        }
    }

    private record Expectation(String words, Consumer<String> parser) {
    }
}
