package dev.modelserving.v2;

import dev.modelserving.inference.PredictionContext;
import dev.modelserving.model.ServedModels;
import dev.modelserving.user.CurrentCaller;
import dev.modelserving.web.OpenApiConventions;
import dev.modelserving.web.UntypedBodyAccepted;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The Open Inference Protocol (KServe V2) REST endpoints, so that existing V2 clients can use this server. Errors are
 * problem documents like everywhere else in this service (the protocol's own {@code {"error": ...}} shape is not used;
 * a V2 client reads the status code either way). Most inference requests are served before they reach this class, by
 * {@link InferenceRoute} on the HTTP router; its inference operations answer the others (and document both).
 */
// Methods readable in a native image: AllowedMethods reads their JAX-RS annotations for the Allow header.
@RegisterForReflection(methods = true, fields = false)
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Open Inference Protocol (V2)", description = "KServe V2 REST: metadata, health, inference")
public class InferenceResource {

    static final String SERVER_NAME = "model-serving";

    private final ServedModels served;
    private final TensorInference inference;
    private final CurrentCaller caller;
    private final BuildInfo build;

    public InferenceResource(ServedModels served, TensorInference inference, CurrentCaller caller, BuildInfo build) {
        this.served = served;
        this.inference = inference;
        this.caller = caller;
        this.build = build;
    }

    @GET
    @Operation(operationId = "getServerMetadata", summary = "Server metadata",
            description = "Open Inference Protocol: the server's name and version.")
    @APIResponse(responseCode = "200", description = "Name, version, extensions")
    public V2Protocol.ServerMetadata server() {
        return new V2Protocol.ServerMetadata(SERVER_NAME, build.version(), List.of());
    }

    @GET
    @Path("/health/live")
    @Operation(operationId = "getServerLiveness", summary = "Server liveness",
            description = "Open Inference Protocol: the process answers.")
    @APIResponse(responseCode = "200", description = "Live")
    public V2Protocol.Live live() {
        return new V2Protocol.Live(true);
    }

    @GET
    @Path("/health/ready")
    @Operation(operationId = "getServerReadiness", summary = "Server readiness: the model is loaded",
            description = "Open Inference Protocol: ready once the model is loaded and warmed, and until shutdown "
                    + "begins.")
    @APIResponse(responseCode = "200", description = "Ready")
    @APIResponse(responseCode = "503", description = "Not ready; the detail says why")
    public V2Protocol.Ready ready() {
        served.require();
        return new V2Protocol.Ready(true);
    }

    @GET
    @Path("/models/{name}")
    @Operation(operationId = "getModelMetadata", summary = "Model metadata",
            description = "Open Inference Protocol: the model's versions, platform, and the name, datatype and "
                    + "shape of its input and output tensors.",
            extensions = @Extension(name = OpenApiConventions.NEEDS_MODEL, value = "true"))
    @APIResponse(responseCode = "200", description = "Name, versions, platform, inputs and outputs")
    @APIResponse(responseCode = "404", description = "No such model")
    public V2Protocol.ModelMetadata model(@PathParam("name") String name) {
        return inference.metadata(name, null);
    }

    @GET
    @Path("/models/{name}/versions/{version}")
    @Operation(operationId = "getModelVersionMetadata", summary = "Model version metadata",
            description = "Open Inference Protocol: as the model's metadata, for one of its versions.",
            extensions = @Extension(name = OpenApiConventions.NEEDS_MODEL, value = "true"))
    @APIResponse(responseCode = "200", description = "Name, versions, platform, inputs and outputs")
    @APIResponse(responseCode = "404", description = "No such model or version")
    public V2Protocol.ModelMetadata modelVersion(@PathParam("name") String name, @PathParam("version") String version) {
        return inference.metadata(name, version);
    }

    @GET
    @Path("/models/{name}/ready")
    @Operation(operationId = "getModelReadiness", summary = "Model readiness",
            description = "Open Inference Protocol: whether the named model can serve inference now.",
            extensions = @Extension(name = OpenApiConventions.NEEDS_MODEL, value = "true"))
    @APIResponse(responseCode = "200", description = "Ready")
    @APIResponse(responseCode = "404", description = "No such model")
    public V2Protocol.ModelReady modelReady(@PathParam("name") String name) {
        return inference.ready(name, null);
    }

    @GET
    @Path("/models/{name}/versions/{version}/ready")
    @Operation(operationId = "getModelVersionReadiness", summary = "Model version readiness",
            description = "Open Inference Protocol: whether that version of the model can serve inference now.",
            extensions = @Extension(name = OpenApiConventions.NEEDS_MODEL, value = "true"))
    @APIResponse(responseCode = "200", description = "Ready")
    @APIResponse(responseCode = "404", description = "No such model or version")
    public V2Protocol.ModelReady modelVersionReady(@PathParam("name") String name,
            @PathParam("version") String version) {
        return inference.ready(name, version);
    }

    /** The body is taken as bytes, which the event loop buffers without looking at them. */
    @POST
    @Path("/models/{name}/infer")
    @Authenticated
    @Consumes({MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    @Produces({MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    @UntypedBodyAccepted
    @Operation(operationId = "inferTensors", summary = "Run the model on its input tensors",
            description = "Open Inference Protocol: every input of the model's signature (its metadata) once, with its "
                    + "datatype and shape ([N, 784] FP32 for the bundled model), data flat or nested; the answer is "
                    + "every output as the model returns it (class probabilities [N, 10] for the bundled model), or "
                    + "the outputs the request names. Rows of concurrent requests to a batchable model run together "
                    + "in one model run. Binary tensor data extension: with the Inference-Header-Content-Length "
                    + "header the body is that many bytes of JSON followed by the raw little-endian elements of each "
                    + "input whose parameters give its binary_data_size (the body's Content-Type may then be "
                    + "application/octet-stream or absent); outputs asked for with binary_data_output (request "
                    + "parameter) or binary_data (output parameter) are answered the same way, as "
                    + "application/octet-stream. Pictures: for a model with image settings, its input as BYTES of "
                    + "shape [N], each element a PNG or JPEG file (base64 in JSON; a 4-byte little-endian length and "
                    + "the file as binary data), decoded and preprocessed on the server. An output asked for with the "
                    + "parameter classification: K is answered as BYTES [N, K], each row's top K classes as "
                    + "\"score:index:label\". The timeout parameter (microseconds) drops a request still waiting for "
                    + "the model that long after it arrived (504).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = V2Protocol.InferenceRequest.class)))
    @APIResponse(responseCode = "200", description = "The model's outputs",
            content = @Content(schema = @Schema(implementation = V2Protocol.InferenceResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON; an unknown, missing or repeated input, a wrong "
            + "shape, datatype, length or value, an unknown output (the detail names it)")
    @APIResponse(responseCode = "404", description = "No such model")
    @APIResponse(responseCode = "415", description = "Not JSON")
    @APIResponse(responseCode = "503", description = "The model is not loaded, or the server is overloaded "
            + "(app.model.batching.queue-capacity); Retry-After says when to retry")
    @APIResponse(responseCode = "504", description = "The request's timeout passed before the model could run it")
    public Uni<Response> infer(@PathParam("name") String name,
            @HeaderParam(BinaryTensors.HEADER) String binaryHeaderLength, byte[] body) {
        return inference.infer(name, null, body, binaryHeaderLength, PredictionContext.ofRequest(caller.get().name()))
                .map(InferenceResource::respond);
    }

    /**
     * The response as JSON, or the binary body's bytes as they are. A {@code Response}, not a {@code RestResponse}:
     * with two media types produced, Quarkus REST's {@code VariableProducesHandler} picks the writer of a
     * {@code RestResponse}'s entity by negotiation (its JSON writer, which wrote the bytes as base64), and that of a
     * {@code Response}'s by the entity's class and the type given here.
     */
    private static Response respond(TensorInference.Answer answer) {
        if (answer.binaryBody() == null) {
            return Response.ok(answer.json(), MediaType.APPLICATION_JSON_TYPE).build();
        }
        return Response.ok(answer.binaryBody(), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header(BinaryTensors.HEADER, answer.headerLength()).build();
    }

    @POST
    @Path("/models/{name}/versions/{version}/infer")
    @Authenticated
    @Consumes({MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    @Produces({MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    @UntypedBodyAccepted
    @Operation(operationId = "inferTensorsWithVersion", summary = "Run one version of the model on its input tensors",
            description = "Open Inference Protocol: as the model's inference, answered by that version.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = V2Protocol.InferenceRequest.class)))
    @APIResponse(responseCode = "200", description = "The version's output",
            content = @Content(schema = @Schema(implementation = V2Protocol.InferenceResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, or an input that does not fit the version")
    @APIResponse(responseCode = "404", description = "No such model or version")
    @APIResponse(responseCode = "503", description = "The version is not loaded, or the server is overloaded")
    @APIResponse(responseCode = "504", description = "The request's timeout passed before the model could run it")
    public Uni<Response> inferVersion(@PathParam("name") String name, @PathParam("version") String version,
            @HeaderParam(BinaryTensors.HEADER) String binaryHeaderLength, byte[] body) {
        return inference.infer(name, version, body, binaryHeaderLength,
                PredictionContext.ofRequest(caller.get().name())).map(InferenceResource::respond);
    }
}
