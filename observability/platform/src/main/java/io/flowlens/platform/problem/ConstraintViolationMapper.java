package io.flowlens.platform.problem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.flowlens.contracts.problem.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Contract violations found by bean validation (the generated interfaces carry the contract's constraints) become a
 * 400 listing each field; Jersey's default would be an empty 400.
 */
@Provider
@ApplicationScoped
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {

    @Context
    private UriInfo uriInfo;

    @Override
    public Response toResponse(ConstraintViolationException exception) {
        List<Violation> violations = exception.getConstraintViolations().stream()
                .map(v -> new Violation().field(fieldName(v)).message(v.getMessage()))
                .sorted(Comparator.comparing(Violation::getField))
                .toList();
        String detail = violations.stream().map(v -> v.getField() + " " + v.getMessage())
                .reduce((a, b) -> a + "; " + b).orElse("invalid request");
        return Problems.response(400, "validation", "Request validation failed", detail, violations, uriInfo, exception);
    }

    /**
     * {@code createOrder.orderCreate.userId} → {@code user_id} (the body's property path, in the JSON names the
     * contract gives the properties); a parameter keeps its own name ({@code listUsers.limit} → {@code limit}).
     */
    private static String fieldName(ConstraintViolation<?> violation) {
        List<Path.Node> nodes = new ArrayList<>();
        violation.getPropertyPath().forEach(nodes::add);
        List<String> properties = new ArrayList<>(nodes.stream()
                .filter(node -> node.getKind() == ElementKind.PROPERTY)
                .map(Path.Node::getName)
                .toList());
        if (!properties.isEmpty()) {
            int last = properties.size() - 1;
            properties.set(last, jsonName(violation.getLeafBean(), properties.get(last)));
            return String.join(".", properties);
        }
        return nodes.isEmpty() ? "request" : nodes.get(nodes.size() - 1).getName();
    }

    /** The name the generated model gives the property on the wire ({@code @JsonbProperty}), else the Java name. */
    private static String jsonName(Object bean, String property) {
        for (Class<?> type = bean == null ? null : bean.getClass(); type != null; type = type.getSuperclass()) {
            try {
                JsonbProperty json = type.getDeclaredField(property).getAnnotation(JsonbProperty.class);
                return json == null || json.value().isEmpty() ? property : json.value();
            } catch (NoSuchFieldException notHere) {
                // declared further up
            }
        }
        return property;
    }
}
