package dev.modelserving.problem;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents every error response of every operation as a problem document, so that resources only state which
 * statuses they answer and the OpenAPI document still shows the body of each.
 */
public class ProblemSchemaFilter implements OASFilter {

    private static final String PROBLEM_REF = "#/components/schemas/Problem";

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getResponses() == null) {
            return operation;
        }
        Map<String, APIResponse> responses = operation.getResponses().getAPIResponses();
        if (responses == null) {
            return operation;
        }
        responses.forEach((code, response) -> {
            if (isError(code) && (response.getContent() == null || response.getContent().getMediaTypes() == null
                    || response.getContent().getMediaTypes().isEmpty())) {
                Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
                response.setContent(content);
            }
        });
        if (!responses.containsKey("500")) {
            operation.getResponses().addAPIResponse("500", OASFactory.createAPIResponse()
                    .description("Unexpected failure; the body names the incident")
                    .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                            OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)))));
        }
        return operation;
    }

    private static boolean isError(String code) {
        return code.length() == 3 && (code.charAt(0) == '4' || code.charAt(0) == '5');
    }
}
