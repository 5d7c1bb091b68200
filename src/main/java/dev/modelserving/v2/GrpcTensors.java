package dev.modelserving.v2;

import com.google.protobuf.ByteString;
import dev.modelserving.model.Tensor;
import dev.modelserving.model.TensorType;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.Problem;
import dev.modelserving.v2.grpc.InferParameter;
import dev.modelserving.v2.grpc.InferTensorContents;
import dev.modelserving.v2.grpc.ModelInferRequest;
import dev.modelserving.v2.grpc.ModelInferResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Between the Open Inference Protocol's gRPC messages and the V2 request the REST endpoint reads: a {@code ModelInfer}
 * request becomes the same {@link V2Protocol.InferenceRequest} (so that one reader checks both, with the same
 * problems), and the outputs become a response with typed {@code contents}, or with {@code raw_output_contents} when
 * the request sent {@code raw_input_contents} (the protocol allows one or the other for a whole message).
 */
final class GrpcTensors {

    private GrpcTensors() {
    }

    /** The request as the V2 reader takes it; raw contents go to the inputs in order, as the protocol says. */
    static V2Protocol.InferenceRequest request(ModelInferRequest request) {
        int raw = request.getRawInputContentsCount();
        if (raw > 0 && raw != request.getInputsCount()) {
            throw invalid("raw_input_contents", "The request has " + raw + " raw_input_contents for "
                    + request.getInputsCount() + " inputs; raw contents are one per input, in input order");
        }
        List<V2Protocol.InputTensor> inputs = new ArrayList<>(request.getInputsCount());
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor input = request.getInputs(i);
            TensorData data;
            if (raw > 0) {
                if (input.hasContents()) {
                    throw invalid("inputs/" + i + "/contents", "Input '" + input.getName() + "' has contents "
                            + "and raw_input_contents; a request sends one or the other");
                }
                ByteBuffer bytes = ByteBuffer.allocate(request.getRawInputContents(i).size());
                request.getRawInputContents(i).copyTo(bytes);
                data = BinaryTensors.data(bytes.flip().order(ByteOrder.nativeOrder()), input.getDatatype());
            } else if (BytesElements.DATATYPE.equals(input.getDatatype())) {
                data = BytesElements.of(input.getContents().getBytesContentsList().stream()
                        .map(ByteString::toByteArray).toList());
            } else {
                data = typed(input.getContents(), input.getDatatype());
            }
            inputs.add(new V2Protocol.InputTensor(input.getName(), input.getShapeList(), input.getDatatype(), data,
                    parameters(input.getParametersMap())));
        }
        List<V2Protocol.RequestedOutput> outputs = request.getOutputsList().stream()
                .map(output -> new V2Protocol.RequestedOutput(output.getName(),
                        parameters(output.getParametersMap())))
                .toList();
        return new V2Protocol.InferenceRequest(request.getId().isEmpty() ? null : request.getId(), inputs, outputs,
                parameters(request.getParametersMap()));
    }

    /** The outputs asked for, in order: typed contents, or raw contents when the request sent raw inputs. */
    static ModelInferResponse response(ModelInferRequest request, TensorInference.Outputs outputs) {
        boolean raw = request.getRawInputContentsCount() > 0;
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder().setModelName(outputs.model())
                .setModelVersion(outputs.version()).setId(request.getId());
        for (String name : outputs.names()) {
            Classifications.Classified classified = outputs.classified().get(name);
            if (classified != null) {
                ModelInferResponse.InferOutputTensor.Builder output = ModelInferResponse.InferOutputTensor
                        .newBuilder().setName(name).setDatatype(BytesElements.DATATYPE)
                        .addAllShape(classified.shape());
                if (raw) {
                    response.addRawOutputContents(ByteString.copyFrom(BytesElements.rawStrings(classified.strings())));
                } else {
                    InferTensorContents.Builder strings = InferTensorContents.newBuilder();
                    classified.strings().forEach(text -> strings.addBytesContents(ByteString.copyFromUtf8(text)));
                    output.setContents(strings);
                }
                response.addOutputs(output);
                continue;
            }
            Tensor tensor = outputs.tensors().get(name);
            ModelInferResponse.InferOutputTensor.Builder output = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(name).setDatatype(tensor.type().name());
            for (long dim : tensor.shape()) {
                output.addShape(dim);
            }
            if (raw) {
                // Tensors hold little-endian elements (see Tensor), which is what raw contents are.
                response.addRawOutputContents(ByteString.copyFrom(tensor.bytes()));
            } else {
                output.setContents(contents(tensor));
            }
            response.addOutputs(output);
        }
        return response.build();
    }

    /** The elements of a typed tensor from the contents field for its datatype, as the reader checks them. */
    private static TensorData typed(InferTensorContents contents, String datatype) {
        Optional<TensorType> named = TensorType.named(datatype);
        if (named.isEmpty()) {
            // The reader refuses the datatype before it looks at the data.
            return new TensorData(ByteBuffer.allocate(0), 0, Optional.of("no datatype to read it as"));
        }
        TensorType type = named.get();
        int count = count(contents, type);
        if (count == 0 && contents.getSerializedSize() > 0) {
            return new TensorData(ByteBuffer.allocate(0), 0, Optional.of("its elements in a contents field that "
                    + "is not " + field(type) + ", where " + type + " elements go"));
        }
        ByteBuffer values = ByteBuffer.allocate(count * type.bytes()).order(ByteOrder.nativeOrder());
        for (int i = 0; i < count; i++) {
            switch (type) {
                case FP32 -> values.putFloat(contents.getFp32Contents(i));
                case FP64 -> values.putDouble(contents.getFp64Contents(i));
                case BOOL -> values.put((byte) (contents.getBoolContents(i) ? 1 : 0));
                case UINT8 -> {
                    int value = contents.getUintContents(i);
                    if (!TensorData.putInteger(values, type, Integer.toUnsignedLong(value))) {
                        return outOfRange(Integer.toUnsignedString(value), i, type);
                    }
                }
                case INT64 -> values.putLong(contents.getInt64Contents(i));
                default -> {
                    int value = contents.getIntContents(i);
                    if (!TensorData.putInteger(values, type, value)) {
                        return outOfRange(String.valueOf(value), i, type);
                    }
                }
            }
        }
        return new TensorData(values.flip(), count, Optional.empty());
    }

    private static TensorData outOfRange(String value, int index, TensorType type) {
        return new TensorData(ByteBuffer.allocate(0), 0, Optional.of("element " + index + " = " + value
                + ", out of the range of " + type));
    }

    /** How many elements the field for {@code type} holds (the protocol's field per datatype). */
    private static int count(InferTensorContents contents, TensorType type) {
        return switch (type) {
            case FP32 -> contents.getFp32ContentsCount();
            case FP64 -> contents.getFp64ContentsCount();
            case INT64 -> contents.getInt64ContentsCount();
            case INT32, INT16, INT8 -> contents.getIntContentsCount();
            case UINT8 -> contents.getUintContentsCount();
            case BOOL -> contents.getBoolContentsCount();
        };
    }

    private static String field(TensorType type) {
        return switch (type) {
            case FP32 -> "fp32_contents";
            case FP64 -> "fp64_contents";
            case INT64 -> "int64_contents";
            case INT32, INT16, INT8 -> "int_contents";
            case UINT8 -> "uint_contents";
            case BOOL -> "bool_contents";
        };
    }

    /** An output's elements in the contents field for its datatype. */
    private static InferTensorContents contents(Tensor tensor) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        ByteBuffer bytes = tensor.bytes();
        int count = tensor.elements();
        for (int i = 0; i < count; i++) {
            switch (tensor.type()) {
                case FP32 -> contents.addFp32Contents(bytes.getFloat());
                case FP64 -> contents.addFp64Contents(bytes.getDouble());
                case INT64 -> contents.addInt64Contents(bytes.getLong());
                case INT32 -> contents.addIntContents(bytes.getInt());
                case INT16 -> contents.addIntContents(bytes.getShort());
                case INT8 -> contents.addIntContents(bytes.get());
                case UINT8 -> contents.addUintContents(Byte.toUnsignedInt(bytes.get()));
                case BOOL -> contents.addBoolContents(bytes.get() != 0);
            }
        }
        return contents.build();
    }

    /** Parameters as the JSON request has them: booleans, whole numbers, strings, decimals. */
    private static Map<String, Object> parameters(Map<String, InferParameter> parameters) {
        if (parameters.isEmpty()) {
            return null;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        parameters.forEach((key, parameter) -> values.put(key, switch (parameter.getParameterChoiceCase()) {
            case BOOL_PARAM -> parameter.getBoolParam();
            case INT64_PARAM -> parameter.getInt64Param();
            case UINT64_PARAM -> parameter.getUint64Param();
            case STRING_PARAM -> parameter.getStringParam();
            case DOUBLE_PARAM -> parameter.getDoubleParam();
            case PARAMETERCHOICE_NOT_SET -> "";
        }));
        return values;
    }

    private static InvalidRequestException invalid(String at, String detail) {
        return new InvalidRequestException(detail, List.of(Problem.FieldError.atPointer("/" + at, detail)));
    }
}
