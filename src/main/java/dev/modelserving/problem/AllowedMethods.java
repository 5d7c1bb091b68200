package dev.modelserving.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which HTTP methods the REST resources serve on a path, for the {@code Allow} header of a 405. The REST layer reports
 * the 405 without that header, so the table is read once from the resources' JAX-RS annotations (the resource classes
 * carry {@code @RegisterForReflection(methods = true)} so that this works in a native image).
 */
@ApplicationScoped
public class AllowedMethods {

    private record Route(Pattern path, String method) {
    }

    private final List<Route> routes;

    /** Built on first use of the bean (the first 405), not at startup. */
    public AllowedMethods(BeanManager beans) {
        this.routes = scan(beans);
    }

    /** The methods allowed on this path, e.g. {@code "GET, HEAD, OPTIONS"}, or empty when no resource serves it. */
    public Optional<String> forPath(String path) {
        TreeSet<String> methods = new TreeSet<>();
        for (Route route : routes) {
            if (route.path().matcher(path).matches()) {
                methods.add(route.method());
                if (route.method().equals(HttpMethod.GET)) {
                    methods.add(HttpMethod.HEAD);
                }
            }
        }
        if (methods.isEmpty()) {
            return Optional.empty();
        }
        methods.add(HttpMethod.OPTIONS);
        return Optional.of(String.join(", ", methods));
    }

    private static List<Route> scan(BeanManager beans) {
        List<Route> routes = new ArrayList<>();
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path classPath = type.getAnnotation(Path.class);
            if (classPath == null) {
                continue;
            }
            for (Method method : type.getMethods()) {
                String httpMethod = httpMethod(method);
                if (httpMethod != null) {
                    Path methodPath = method.getAnnotation(Path.class);
                    String template = join(classPath.value(), methodPath == null ? "" : methodPath.value());
                    routes.add(new Route(toPattern(template), httpMethod));
                }
            }
        }
        return List.copyOf(routes);
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod httpMethod = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (httpMethod != null) {
                return httpMethod.value();
            }
        }
        return null;
    }

    private static String join(String classPath, String methodPath) {
        String joined = ("/" + classPath + "/" + methodPath).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** {@code /users/{username}} -> {@code /users/[^/]+}; a template's own regex ({@code {id: \d+}}) is kept. */
    static Pattern toPattern(String template) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int depth = 1;
                int j = i + 1;
                while (j < template.length() && depth > 0) {
                    depth += template.charAt(j) == '{' ? 1 : template.charAt(j) == '}' ? -1 : 0;
                    j++;
                }
                String variable = template.substring(i + 1, j - 1);
                int colon = variable.indexOf(':');
                regex.append('(').append(colon < 0 ? "[^/]+" : variable.substring(colon + 1).trim()).append(')');
                i = j;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return Pattern.compile(regex.toString());
    }
}
