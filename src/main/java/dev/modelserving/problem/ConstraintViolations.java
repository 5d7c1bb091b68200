package dev.modelserving.problem;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Sorts bean-validation violations into the two kinds the API reports: a path or query parameter out of range (400,
 * named by {@code parameter}) and a field of a well-formed body that breaks a rule (422, named by a JSON
 * {@code pointer}).
 */
final class ConstraintViolations {

    private ConstraintViolations() {
    }

    private static String lastName(Path path) {
        String name = path.toString();
        for (Path.Node node : path) {
            name = node.getName();
        }
        return name;
    }

    /**
     * The name the client used for a violated method parameter — that of its {@code @QueryParam}, {@code @PathParam},
     * {@code @HeaderParam} or {@code @FormParam} — rather than the Java identifier ({@code wait}, not
     * {@code waitSeconds}). The resource class may be a generated subclass: the annotations are on the declaring one.
     * Null for a parameter without such an annotation: the request body.
     */
    private static String nameSent(ConstraintViolation<?> violation, Path.Node parameter) {
        Path.MethodNode method = null;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD) {
                method = node.as(Path.MethodNode.class);
            }
        }
        if (method == null) {
            return null;
        }
        int index = parameter.as(Path.ParameterNode.class).getParameterIndex();
        Class<?>[] types = method.getParameterTypes().toArray(Class<?>[]::new);
        for (Class<?> type = violation.getRootBeanClass(); type != null; type = type.getSuperclass()) {
            try {
                for (Annotation annotation : type.getDeclaredMethod(method.getName(), types)
                        .getParameterAnnotations()[index]) {
                    String name = jaxRsName(annotation);
                    if (name != null) {
                        return name;
                    }
                }
            } catch (NoSuchMethodException e) {
                // declared further up
            }
        }
        return null;
    }

    private static String jaxRsName(Annotation annotation) {
        if (annotation instanceof QueryParam query) {
            return query.value();
        }
        if (annotation instanceof PathParam path) {
            return path.value();
        }
        if (annotation instanceof HeaderParam header) {
            return header.value();
        }
        if (annotation instanceof FormParam form) {
            return form.value();
        }
        return null;
    }

    /**
     * @param parameters path, query and header parameters out of range (400)
     * @param body what is wrong with the body as a whole, e.g. that there is none (400, pointer {@code ""})
     * @param bodyFields fields of a well-formed body that break a rule (422)
     */
    record Sorted(List<Problem.FieldError> parameters, List<Problem.FieldError> body,
            List<Problem.FieldError> bodyFields) {
    }

    static Sorted sort(Set<? extends ConstraintViolation<?>> violations) {
        List<Problem.FieldError> parameters = new ArrayList<>();
        List<Problem.FieldError> body = new ArrayList<>();
        List<Problem.FieldError> bodyFields = new ArrayList<>();
        for (ConstraintViolation<?> violation : violations) {
            String parameter = null;
            boolean onBody = false;
            StringBuilder pointer = new StringBuilder();
            for (Path.Node node : violation.getPropertyPath()) {
                if (node.getKind() == ElementKind.PARAMETER) {
                    parameter = nameSent(violation, node);
                    onBody = parameter == null;
                } else if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                    if (node.getIndex() != null) {
                        pointer.append('/').append(node.getIndex());
                    }
                    if (node.getName() != null && node.getKind() == ElementKind.PROPERTY) {
                        pointer.append('/').append(node.getName());
                    }
                }
            }
            if (violation.getLeafBean() instanceof QueryParameters) {
                // A @BeanParam of query parameters: the violated property is the parameter.
                String name = lastName(violation.getPropertyPath());
                parameters.add(Problem.FieldError.atParameter(name, violation.getMessage()));
            } else if (pointer.length() > 0) {
                bodyFields.add(Problem.FieldError.atPointer(pointer.toString(), violation.getMessage()));
            } else if (onBody) {
                // The empty JSON pointer names the whole document (RFC 6901).
                body.add(Problem.FieldError.atPointer("", violation.getMessage()));
            } else {
                parameters.add(Problem.FieldError.atParameter(parameter, violation.getMessage()));
            }
        }
        Comparator<Problem.FieldError> order = Comparator
                .comparing((Problem.FieldError e) -> e.pointer() == null ? e.parameter() : e.pointer())
                .thenComparing(Problem.FieldError::detail);
        parameters.sort(order);
        bodyFields.sort(order);
        return new Sorted(parameters, body, bodyFields);
    }
}
