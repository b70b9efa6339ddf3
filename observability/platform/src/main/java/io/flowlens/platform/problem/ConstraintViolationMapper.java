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
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.Parameter;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * Contract violations found by bean validation (the generated interfaces carry the contract's constraints) become a
 * 400 listing each field; Jersey's default would be an empty 400.
 */
@Provider
@ApplicationScoped
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {

    /** What a missing request body is told: the contracts mark every body they take {@code required: true}. */
    static final String REQUIRED = "is required";

    @Context
    private ExtendedUriInfo uriInfo;

    @Override
    public Response toResponse(ConstraintViolationException exception) {
        List<Violation> violations = exception.getConstraintViolations().stream()
                .map(this::violation)
                .sorted(Comparator.comparing(Violation::getField))
                .toList();
        String detail = violations.stream().map(v -> v.getField() + " " + v.getMessage())
                .reduce((a, b) -> a + "; " + b).orElse("invalid request");
        return Problems.response(400, "validation", "Request validation failed", detail, violations, uriInfo, exception);
    }

    private Violation violation(ConstraintViolation<?> violation) {
        String field = fieldName(violation);
        boolean missingBody = field.equals(RequestBodyError.BODY)
                && violation.getConstraintDescriptor().getAnnotation() instanceof NotNull;
        return new Violation().field(field).message(missingBody ? REQUIRED : violation.getMessage());
    }

    /**
     * {@code createOrder.orderCreate.userId} → {@code user_id} (the body's property path, in the JSON names the
     * contract gives the properties); a parameter takes the name the contract gives it on the wire
     * ({@code createUser.idempotencyKey} → {@code Idempotency-Key}, {@code listUsers.limit} → {@code limit}), and the
     * body itself is {@code body}, never the Java parameter's name.
     */
    private String fieldName(ConstraintViolation<?> violation) {
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
        if (nodes.isEmpty()) {
            return "request";
        }
        Path.Node last = nodes.get(nodes.size() - 1);
        return last.getKind() == ElementKind.PARAMETER
                ? wireName(last.as(Path.ParameterNode.class).getParameterIndex(), last.getName()) : last.getName();
    }

    /** The matched resource method's parameter at that index as the request carries it, else its Java name. */
    private String wireName(int index, String javaName) {
        ResourceMethod method = uriInfo == null ? null : uriInfo.getMatchedResourceMethod();
        List<Parameter> parameters = method == null ? List.of() : method.getInvocable().getParameters();
        if (index < 0 || index >= parameters.size()) {
            return javaName;
        }
        // the body is the one parameter without a JAX-RS annotation: no source name (Jersey's source UNKNOWN)
        String name = parameters.get(index).getSourceName();
        return name == null ? RequestBodyError.BODY : name;
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
