package dev.modelserving.v2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.modelserving.inference.Deadline;
import dev.modelserving.inference.PredictionContext;
import dev.modelserving.inference.PredictionService;
import dev.modelserving.inference.RowBatcher;
import dev.modelserving.model.LoadedModel;
import dev.modelserving.model.ModelConfig;
import dev.modelserving.model.ModelMetadata;
import dev.modelserving.model.ServedModels;
import dev.modelserving.model.Tensor;
import dev.modelserving.problem.InvalidJsonException;
import dev.modelserving.problem.InvalidRequestException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The Open Inference Protocol's view of the served models: their metadata, their readiness, and inference on tensors. A
 * request names the model and perhaps its version; one there is not is a 404, one not loaded (yet) a 503.
 */
@ApplicationScoped
public class TensorInference {

    private final ServedModels served;
    private final ModelConfig config;
    private final PredictionService predictions;
    private final ObjectReader requests;
    private final ObjectWriter writer;
    private final PictureInputs pictures;

    public TensorInference(ServedModels served, ModelConfig config, PredictionService predictions, ObjectMapper json,
            PictureInputs pictures) {
        this.served = served;
        this.config = config;
        this.predictions = predictions;
        this.pictures = pictures;
        // A request is hundreds of decimal numbers per row: parse them from the parser's buffer with the fast
        // (exact) float parser instead of making a String of each for Float.parseFloat.
        this.requests = json.readerFor(V2Protocol.InferenceRequest.class)
                .with(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
        this.writer = json.writerFor(V2Protocol.InferenceResponse.class);
    }

    /** The version's metadata (the newest ready one when {@code version} is null), with every ready version. */
    public V2Protocol.ModelMetadata metadata(String name, String version) {
        ModelMetadata meta = served.require(name, version).metadata();
        List<String> versions = served.readyVersions(name).stream().map(m -> m.metadata().version()).toList();
        return new V2Protocol.ModelMetadata(meta.name(), versions, meta.platform(), meta.signature().inputs(),
                meta.signature().outputs());
    }

    public V2Protocol.ModelReady ready(String name, String version) {
        served.require(name, version);
        return new V2Protocol.ModelReady(name, true);
    }

    /**
     * Runs the model on the request's tensors. The body is parsed and checked on an inference runner (it is up to
     * {@code max-batch} rows of CPU work); a batchable model runs it with the rows of other requests waiting at the
     * same time (of the same shapes), one that cannot batch alone.
     */
    public Uni<Answer> infer(String name, String version, byte[] body, String binaryHeaderLength,
            PredictionContext context) {
        return infer(name, version, () -> readRequest(body, binaryHeaderLength), this::answer, context,
                Deadline.NONE);
    }

    /**
     * Runs the model on a request that {@code read} makes on the inference runner, answered with what {@code answer}
     * makes of the outputs there. The request's {@code timeout} parameter (microseconds from now, as Triton's) and
     * {@code deadline} are when the caller stops waiting: a request still queued then is not run.
     */
    <T> Uni<T> infer(String name, String version, Supplier<V2Protocol.InferenceRequest> read,
            BiFunction<V2Protocol.InferenceRequest, Outputs, T> answer, PredictionContext context,
            Deadline deadline) {
        long received = System.nanoTime();
        return predictions.infer(name, version, model -> work(model, read.get(), received, answer), context,
                deadline);
    }

    /**
     * A request's outputs: the model version that made them, the request's id, the outputs asked for in order, and
     * those asked for as classifications.
     */
    record Outputs(String model, String version, String id, List<String> names, Map<String, Tensor> tensors,
            Map<String, Classifications.Classified> classified) {
    }

    /**
     * An answer: the response, written as JSON by the framework; or, when outputs were asked for as binary data, the
     * whole body written on the runner (its JSON header of {@code headerLength} bytes, then the binary outputs).
     */
    public record Answer(V2Protocol.InferenceResponse json, byte[] binaryBody, int headerLength) {
    }

    /** The request: all JSON, or a JSON header of {@code binaryHeaderLength} bytes followed by binary inputs. */
    private V2Protocol.InferenceRequest readRequest(byte[] body, String binaryHeaderLength) {
        if (body.length == 0) {
            throw new InvalidRequestException("The request has no body; send a V2 inference request");
        }
        int jsonLength = binaryHeaderLength == null
                ? body.length
                : BinaryTensors.headerLength(binaryHeaderLength, body.length);
        try {
            V2Protocol.InferenceRequest request = requests.readValue(body, 0, jsonLength);
            return binaryHeaderLength == null
                    ? request
                    : BinaryTensors.attach(request, ByteBuffer.wrap(body, jsonLength, body.length - jsonLength)
                            .slice());
        } catch (IOException e) {
            // Through the same mappers as a body the framework parsed: a problem naming what is wrong.
            throw new InvalidJsonException(e);
        }
    }

    /** The request's tensors, checked against the model's signature, and how to answer with the outputs. */
    private <T> RowBatcher.Work<T> work(LoadedModel model, V2Protocol.InferenceRequest request, long received,
            BiFunction<V2Protocol.InferenceRequest, Outputs, T> answer) {
        RequestTimeout.check(request, received);
        ModelMetadata meta = model.metadata();
        V2Protocol.InferenceRequest decoded = pictures.decode(request, model, config.maxBatch());
        Map<String, Integer> classify = Classifications.requested(decoded, model);
        InferenceRequestReader.Read read = InferenceRequestReader.read(decoded, model.session(), config.maxBatch());
        return new RowBatcher.Work<>(read.inputs(), read.rows(), model.session().batchKey(read.inputs()),
                outputs -> {
                    Map<String, Classifications.Classified> classified = new HashMap<>();
                    classify.forEach((name, k) -> classified.put(name,
                            Classifications.top(outputs.get(name), k, model)));
                    return answer.apply(request, new Outputs(meta.name(), meta.version(), request.id(),
                            read.outputs(), outputs, classified));
                });
    }

    /** The REST answer: JSON, or JSON and binary data when outputs are asked for as binary. */
    private Answer answer(V2Protocol.InferenceRequest request, Outputs outputs) {
        List<V2Protocol.OutputTensor> answer = new ArrayList<>(outputs.names().size());
        List<ByteBuffer> binary = new ArrayList<>();
        for (String name : outputs.names()) {
            Classifications.Classified classified = outputs.classified().get(name);
            Tensor tensor = outputs.tensors().get(name);
            List<Long> shape = classified != null
                    ? classified.shape()
                    : Arrays.stream(tensor.shape()).boxed().toList();
            String datatype = classified != null ? BytesElements.DATATYPE : tensor.type().name();
            if (BinaryTensors.wanted(request, name)) {
                ByteBuffer bytes = classified != null ? BytesElements.rawStrings(classified.strings()) : tensor.bytes();
                binary.add(bytes);
                answer.add(new V2Protocol.OutputTensor(name, shape, datatype, null,
                        Map.of(BinaryTensors.SIZE, bytes.limit())));
            } else {
                answer.add(new V2Protocol.OutputTensor(name, shape, datatype,
                        classified != null ? classified.strings() : tensor, null));
            }
        }
        V2Protocol.InferenceResponse response = new V2Protocol.InferenceResponse(outputs.model(), outputs.version(),
                outputs.id(), answer);
        if (binary.isEmpty()) {
            // Written by the framework on the event loop: the runners' time is the model's (writing a batch of
            // 32 here measured 30% fewer requests a second).
            return new Answer(response, null, 0);
        }
        byte[] header = json(response);
        return new Answer(response, BinaryTensors.body(header, binary), header.length);
    }

    /** The response as JSON, as the REST layer would write it (the same object mapper). */
    byte[] json(V2Protocol.InferenceResponse response) {
        try {
            return writer.writeValueAsBytes(response);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the inference response could not be written", e);
        }
    }
}
