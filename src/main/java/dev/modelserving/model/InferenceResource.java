package dev.modelserving.model;

import dev.modelserving.problem.NotFoundException;
import io.quarkus.security.Authenticated;
import dev.modelserving.security.Caller;
import io.smallrye.common.annotation.Blocking;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
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

    public InferenceResource(ServedModel served, ModelConfig config, PredictionService predictions,
            Caller caller, BuildInfo build) {
        this.served = served;
        this.config = config;
        this.predictions = predictions;
        this.caller = caller;
        this.build = build;
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
        ModelMetadata meta = model(name, served.require()).metadata();
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

    /** Blocking: parsing a large tensor and running the model are CPU work, kept off the event loop. */
    @POST
    @Path("/models/{name}/infer")
    @Blocking
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run the model on a batch of FP32 rows [N, 784]")
    @APIResponse(responseCode = "200", description = "Class probabilities [N, 10]")
    @APIResponse(responseCode = "400", description = "Wrong input name, shape, datatype or length; the detail names it")
    @APIResponse(responseCode = "401", description = "Missing or invalid token")
    @APIResponse(responseCode = "404", description = "No such model")
    @APIResponse(responseCode = "415", description = "Not JSON")
    @APIResponse(responseCode = "503", description = "The model is not loaded")
    public V2Protocol.InferenceResponse infer(@PathParam("name") String name,
            @NotNull(message = "a JSON body is required") V2Protocol.InferenceRequest request) {
        ServedModel.Loaded model = model(name, served.require());
        ModelMetadata meta = model.metadata();
        InferenceRequestReader.Batch batch = InferenceRequestReader.read(request, meta.signature().input(),
                meta.signature().output(), config.maxBatch());
        float[][] probabilities = predictions.inferNow(batch.rows(), batch.size(), caller.predictionContext());
        int classes = model.classifier().classes();
        float[] flat = new float[batch.size() * classes];
        for (int i = 0; i < probabilities.length; i++) {
            System.arraycopy(probabilities[i], 0, flat, i * classes, classes);
        }
        return new V2Protocol.InferenceResponse(meta.name(), meta.version(), request.id(), List.of(
                new V2Protocol.OutputTensor(meta.signature().output().name(), List.of((long) batch.size(),
                        (long) classes), "FP32", flat)));
    }

    private ServedModel.Loaded model(String name, ServedModel.Loaded model) {
        requireKnown(name);
        return model;
    }

    private void requireKnown(String name) {
        if (!config.name().equals(name)) {
            throw new NotFoundException("Model '" + name + "' not found; this server serves '" + config.name() + "'");
        }
    }
}
