package dev.modelserving.web;

import dev.modelserving.problem.Problem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

/**
 * The rules every operation of the OpenAPI document follows, written once here so that a resource declares only what is
 * particular to its operation:
 * <ul>
 * <li>every error response has a problem document as its body, and every operation may answer 500;</li>
 * <li>a secured operation answers 401 (and 403 only when it requires a role); an open one says {@code security: []};
 * </li>
 * <li>an operation marked {@link #NEEDS_MODEL} answers 503 while the model is not loaded;</li>
 * <li>an operation that answers with JSON answers 406 to an Accept header that excludes it;</li>
 * <li>the headers the service sends ({@code Location}, {@code Retry-After}, {@code X-Total-Count}) have a schema.</li>
 * </ul>
 */
public class OpenApiConventions implements OASFilter {

    /** An operation extension: the operation needs the model, so it answers 503 until the model is loaded. */
    public static final String NEEDS_MODEL = "x-needs-model";

    private static final String PROBLEM_REF = "#/components/schemas/Problem";
    private static final Map<String, Schema> HEADER_SCHEMAS = Map.of(
            "Location", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri-reference"),
            "Retry-After", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).minimum(BigDecimal.ZERO),
            PagedResponse.TOTAL_COUNT_HEADER, OASFactory.createSchema().addType(Schema.SchemaType.INTEGER));

    @Override
    public Operation filterOperation(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        boolean needsModel = operation.getExtensions() != null && operation.getExtensions().containsKey(NEEDS_MODEL);
        if (needsModel) {
            operation.removeExtension(NEEDS_MODEL);
            addIfAbsent(responses, "503", "The model is not loaded yet (see readiness); retry later");
        }
        securityResponses(operation, responses);
        if (answersWithJson(responses)) {
            addIfAbsent(responses, "406", "The Accept header asks for no media type this operation answers with");
        }
        addIfAbsent(responses, "500", "Unexpected failure; the body names the incident");
        for (Map.Entry<String, APIResponse> entry : responses.getAPIResponses().entrySet()) {
            APIResponse response = entry.getValue();
            if (isError(entry.getKey()) && hasNoBody(response)) {
                response.setContent(problemContent());
            }
            if (response.getHeaders() != null) {
                response.getHeaders().forEach(OpenApiConventions::giveSchema);
            }
        }
        return operation;
    }

    /**
     * The framework adds 401 and 403 to every secured operation, with its own wording; an open operation gets an
     * explicit empty requirement, so that generators and linters do not guess.
     */
    private static void securityResponses(Operation operation, APIResponses responses) {
        List<SecurityRequirement> security = operation.getSecurity();
        if (security == null || security.isEmpty()) {
            operation.setSecurity(new ArrayList<>());
            return;
        }
        responses.addAPIResponse("401", OASFactory.createAPIResponse()
                .description("Missing, invalid or expired bearer token"));
        boolean needsRole = security.stream().flatMap(requirement -> requirement.getSchemes().values().stream())
                .anyMatch(roles -> roles != null && !roles.isEmpty());
        if (needsRole) {
            List<String> roles = security.stream()
                    .flatMap(requirement -> requirement.getSchemes().values().stream())
                    .filter(scopes -> scopes != null).flatMap(List::stream).distinct().toList();
            responses.addAPIResponse("403", OASFactory.createAPIResponse()
                    .description("The caller lacks the role this operation requires: " + String.join(", ", roles)));
            // Role names as scopes are allowed by OpenAPI 3.1 for bearer schemes, but tools written for 3.0 reject
            // them; the 403 names the roles instead.
            for (SecurityRequirement requirement : security) {
                Map<String, List<String>> schemes = new LinkedHashMap<>();
                requirement.getSchemes().keySet().forEach(scheme -> schemes.put(scheme, new ArrayList<>()));
                requirement.setSchemes(schemes);
            }
        } else {
            responses.removeAPIResponse("403");
        }
    }

    private static boolean answersWithJson(APIResponses responses) {
        return responses.getAPIResponses().entrySet().stream()
                .filter(entry -> entry.getKey().startsWith("2") && entry.getValue().getContent() != null
                        && entry.getValue().getContent().getMediaTypes() != null)
                .anyMatch(entry -> entry.getValue().getContent().getMediaTypes().containsKey("application/json"));
    }

    private static void addIfAbsent(APIResponses responses, String code, String description) {
        if (!responses.hasAPIResponse(code)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        }
    }

    private static void giveSchema(String name, Header header) {
        if (header.getSchema() == null && header.getContent() == null) {
            header.setSchema(HEADER_SCHEMAS.getOrDefault(name, OASFactory.createSchema()
                    .addType(Schema.SchemaType.STRING)));
        }
    }

    private static boolean hasNoBody(APIResponse response) {
        return response.getContent() == null || response.getContent().getMediaTypes() == null
                || response.getContent().getMediaTypes().isEmpty();
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }

    private static boolean isError(String code) {
        return code.length() == 3 && (code.charAt(0) == '4' || code.charAt(0) == '5');
    }
}
