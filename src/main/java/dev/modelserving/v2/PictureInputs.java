package dev.modelserving.v2;

import dev.modelserving.inference.ImagePreprocessor;
import dev.modelserving.inference.PayloadTooLargeException;
import dev.modelserving.inference.PixelBudget;
import dev.modelserving.inference.PredictionsConfig;
import dev.modelserving.model.Classifier;
import dev.modelserving.model.ImageFormat;
import dev.modelserving.model.LoadedModel;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.Problem;
import dev.modelserving.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pictures as tensors, as OpenVINO Model Server takes them: a {@code BYTES} input of shape {@code [N]} (or
 * {@code [N, 1]}) whose elements are PNG or JPEG files, sent to a model with {@code image} settings, is decoded and
 * preprocessed here, on the inference runner, into the model's own input rows, exactly as {@code /predictions} does
 * with one picture. Whatever else the request has is left to the V2 reader.
 */
@ApplicationScoped
public class PictureInputs {

    private final ImagePreprocessor preprocessor;
    private final PredictionsConfig limits;

    public PictureInputs(ImagePreprocessor preprocessor, PredictionsConfig limits) {
        this.preprocessor = preprocessor;
        this.limits = limits;
    }

    /** The request with its picture input decoded, when it has one for this model; as it is otherwise. */
    V2Protocol.InferenceRequest decode(V2Protocol.InferenceRequest request, LoadedModel model, int maxBatch) {
        if (request.inputs() == null || model.image().isEmpty() || model.classifier().isEmpty()) {
            return request;
        }
        Classifier classifier = model.classifier().get();
        List<V2Protocol.InputTensor> inputs = null;
        for (int i = 0; i < request.inputs().size(); i++) {
            V2Protocol.InputTensor input = request.inputs().get(i);
            if (input == null || !BytesElements.DATATYPE.equals(input.datatype())
                    || !classifier.inputName().equals(input.name())) {
                continue;
            }
            if (inputs == null) {
                inputs = new ArrayList<>(request.inputs());
            }
            inputs.set(i, pixels(input, "inputs/" + i, model.image().get(), classifier, maxBatch));
        }
        return inputs == null
                ? request
                : new V2Protocol.InferenceRequest(request.id(), inputs, request.outputs(), request.parameters());
    }

    /** The pictures as the model's FP32 input {@code [N, ...]}. */
    private V2Protocol.InputTensor pixels(V2Protocol.InputTensor input, String at, ImageFormat format,
            Classifier classifier, int maxBatch) {
        String name = input.name();
        List<Long> shape = input.shape();
        boolean pictureShape = shape != null && (shape.size() == 1 || (shape.size() == 2 && shape.get(1) == 1))
                && shape.get(0) != null && shape.get(0) >= 1;
        if (!pictureShape) {
            throw invalid(at + "/shape", "Input '" + name + "' has shape " + shape + "; pictures as BYTES have "
                    + "shape [N] or [N, 1], one PNG or JPEG file each");
        }
        if (shape.get(0) > maxBatch) {
            throw invalid(at + "/shape", "Input '" + name + "' has " + shape.get(0) + " pictures; at most "
                    + maxBatch + " are accepted per request (app.model.max-batch)");
        }
        TensorData data = input.data();
        if (data == null) {
            throw invalid(at + "/data", "Input '" + name + "' has no data array");
        }
        if (data.problem().isPresent()) {
            throw invalid(at + "/data", "Input '" + name + "' has " + data.problem().get());
        }
        if (data.count() != shape.get(0)) {
            throw invalid(at + "/data", "Input '" + name + "' has " + data.count() + " pictures; shape " + shape
                    + " says " + shape.get(0));
        }
        List<byte[]> pictures = BytesElements.elements(data);
        PixelBudget budget = new PixelBudget(limits.maxRequestPixels());
        long maxBytes = limits.maxImageBytes().asLongValue();
        ByteBuffer values = ByteBuffer.allocate(pictures.size() * classifier.features() * Float.BYTES)
                .order(ByteOrder.nativeOrder());
        for (int i = 0; i < pictures.size(); i++) {
            byte[] picture = pictures.get(i);
            if (picture.length > maxBytes) {
                throw new PayloadTooLargeException("Picture " + i + " of input '" + name + "' is " + picture.length
                        + " bytes; at most " + maxBytes
                        + " are accepted per picture (app.predictions.max-image-bytes)");
            }
            float[] row;
            try {
                row = preprocessor.toPixels(picture, format, budget);
            } catch (ProblemException e) {
                throw invalid(at + "/data", "Picture " + i + " of input '" + name + "' cannot be used: "
                        + e.getMessage());
            }
            values.asFloatBuffer().put(row);
            values.position(values.position() + row.length * Float.BYTES);
        }
        List<Long> modelShape = new ArrayList<>();
        modelShape.add((long) pictures.size());
        modelShape.addAll(classifier.inputDims());
        return new V2Protocol.InputTensor(name, modelShape, "FP32",
                new TensorData(values.flip(), pictures.size() * classifier.features(), Optional.empty()),
                input.parameters());
    }

    private static InvalidRequestException invalid(String pointer, String detail) {
        return new InvalidRequestException(detail, List.of(Problem.FieldError.atPointer("/" + pointer, detail)));
    }
}
