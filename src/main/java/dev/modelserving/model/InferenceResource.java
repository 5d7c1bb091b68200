package dev.modelserving.model;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.modelserving.problem.BadRequestException;
import dev.modelserving.problem.InvalidJsonException;
import dev.modelserving.problem.NotFoundException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import dev.modelserving.security.Caller;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The Open Inference Protocol (KServe V2) REST endpoints, so that existing V2 clients can use this server. Errors
 * are problem documents like everywhere else in this service (the protocol's own {@code {"error": ...}} shape is not
 * used; a V2 client reads the status code either way).
 */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Open Inference Protocol (V2)", description = "KServe V2 REST: metadata, health, inference")
public class InferenceResource {

    static final String SERVER_NAME = "model-serving";

    private final ServedModel served;
    private final ModelConfig config;
    private final PredictionService predictions;
    private final Caller caller;
    private final BuildInfo build;
    private final ObjectReader requests;

    public InferenceResource(ServedModel served, ModelConfig config, PredictionService predictions,
            Caller caller, BuildInfo build, ObjectMapper json) {
        this.served = served;
        this.config = config;
        this.predictions = predictions;
        this.caller = caller;
        this.build = build;
        // A request is hundreds of decimal numbers per row: parse them from the parser's buffer with the fast
        // (exact) float parser instead of making a String of each for Float.parseFloat.
        this.requests = json.readerFor(V2Protocol.InferenceRequest.class)
                .with(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
    }

    @GET
    @Operation(summary = "Server metadata")
    @APIResponse(responseCode = "200", description = "Name, version, extensions")
    public V2Protocol.ServerMetadata server() {
        return new V2Protocol.ServerMetadata(SERVER_NAME, build.version(), List.of());
    }

    @GET
    @Path("/health/live")
    @Operation(summary = "Server liveness")
    @APIResponse(responseCode = "200", description = "Live")
    public V2Protocol.Live live() {
        return new V2Protocol.Live(true);
    }

    @GET
    @Path("/health/ready")
    @Operation(summary = "Server readiness: the model is loaded")
    @APIResponse(responseCode = "200", description = "Ready")
    @APIResponse(responseCode = "503", description = "Not ready; the detail says why")
    public V2Protocol.Ready ready() {
        served.require();
        return new V2Protocol.Ready(true);
    }

    @GET
    @Path("/models/{name}")
    @Operation(summary = "Model metadata")
    @APIResponse(responseCode = "200", description = "Name, versions, platform, inputs and outputs")
    @APIResponse(responseCode = "404", description = "No such model")
    @APIResponse(responseCode = "503", description = "The model is not loaded")
    public V2Protocol.ModelMetadata model(@PathParam("name") String name) {
        ModelMetadata meta = loaded(name).metadata();
        return new V2Protocol.ModelMetadata(meta.name(), List.of(meta.version()), meta.platform(),
                List.of(meta.signature().input()), List.of(meta.signature().output()));
    }

    @GET
    @Path("/models/{name}/ready")
    @Operation(summary = "Model readiness")
    @APIResponse(responseCode = "200", description = "Ready")
    @APIResponse(responseCode = "404", description = "No such model")
    @APIResponse(responseCode = "503", description = "The model is not loaded")
    public V2Protocol.ModelReady modelReady(@PathParam("name") String name) {
        requireKnown(name);
        served.require();
        return new V2Protocol.ModelReady(name, true);
    }

    /**
     * The body is taken as bytes, which the event loop buffers without looking at them; parsing a tensor of up to
     * {@code max-batch} rows and running the model are CPU work and happen on an inference runner, in one model run
     * with the rows of other requests waiting at the same time.
     */
    @POST
    @Path("/models/{name}/infer")
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run the model on a batch of FP32 rows [N, 784]")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = V2Protocol.InferenceRequest.class)))
    @APIResponse(responseCode = "200", description = "Class probabilities [N, 10]",
            content = @Content(schema = @Schema(implementation = V2Protocol.InferenceResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON; wrong input name, shape, datatype or length "
            + "(the detail names it)")
    @APIResponse(responseCode = "401", description = "Missing or invalid token")
    @APIResponse(responseCode = "404", description = "No such model")
    @APIResponse(responseCode = "415", description = "Not JSON")
    @APIResponse(responseCode = "503", description = "The model is not loaded, or the server is overloaded "
            + "(app.model.batching.queue-capacity); Retry-After says when to retry")
    public Uni<V2Protocol.InferenceResponse> infer(@PathParam("name") String name, byte[] body) {
        ServedModel.Loaded model = loaded(name);
        return predictions.infer(() -> rows(model, readRequest(body)), caller.predictionContext());
    }

    private V2Protocol.InferenceRequest readRequest(byte[] body) {
        if (body.length == 0) {
            throw new BadRequestException("The request has no body; send a V2 inference request");
        }
        try {
            return requests.readValue(body);
        } catch (IOException e) {
            // Through the same mappers as a body the framework parsed: a problem naming what is wrong.
            throw new InvalidJsonException(e);
        }
    }

    /** The request's rows, checked against the model's signature, and how to answer with their output. */
    private RowBatcher.Work<V2Protocol.InferenceResponse> rows(ServedModel.Loaded model,
            V2Protocol.InferenceRequest request) {
        ModelMetadata meta = model.metadata();
        InferenceRequestReader.Batch batch = InferenceRequestReader.read(request, meta.signature().input(),
                meta.signature().output(), config.maxBatch());
        int classes = model.classifier().classes();
        return new RowBatcher.Work<>(batch.rows(), batch.size(), probabilities -> {
            float[] flat = new float[batch.size() * classes];
            for (int i = 0; i < probabilities.length; i++) {
                System.arraycopy(probabilities[i], 0, flat, i * classes, classes);
            }
            return new V2Protocol.InferenceResponse(meta.name(), meta.version(), request.id(), List.of(
                    new V2Protocol.OutputTensor(meta.signature().output().name(), List.of((long) batch.size(),
                            (long) classes), "FP32", flat)));
        });
    }

    /** The model served under this name: 404 for another name (checked first), 503 while it is not loaded. */
    private ServedModel.Loaded loaded(String name) {
        requireKnown(name);
        return served.require();
    }

    private void requireKnown(String name) {
        if (!config.name().equals(name)) {
            throw new NotFoundException("Model '" + name + "' not found; this server serves '" + config.name() + "'");
        }
    }
}
