"""A client of the Open Inference Protocol's gRPC service on grpcio, the gRPC C core that Triton's Python client is
built on, with messages that protoc generates from the service's .proto. Prints one JSON object of what it saw;
GrpcPythonClientIT checks it.

Usage: open_inference_client.py <service .proto> <host:port> <bearer token>
"""
import importlib
import json
import os
import struct
import subprocess
import sys
import tempfile

import grpc

proto, target, token = sys.argv[1:4]
generated = tempfile.mkdtemp()
subprocess.run(["protoc", "--proto_path=" + os.path.dirname(proto), "--python_out=" + generated,
                os.path.basename(proto)], check=True)
sys.path.insert(0, generated)
pb = importlib.import_module(os.path.basename(proto)[:-len(".proto")] + "_pb2")

SERVICE = "/inference.GRPCInferenceService/"
channel = grpc.insecure_channel(target)
auth = [("authorization", "Bearer " + token)]


def rpc(name, request):
    answer = getattr(pb, name + "Response")
    return channel.unary_unary(SERVICE + name, request_serializer=request.SerializeToString,
                               response_deserializer=answer.FromString)


def call(name, request, **options):
    return rpc(name, request)(request, timeout=30, **options)


seen = {}
seen["live"] = call("ServerLive", pb.ServerLiveRequest()).live
seen["ready"] = call("ServerReady", pb.ServerReadyRequest()).ready
meta = call("ModelMetadata", pb.ModelMetadataRequest(name="fashion-mnist"))
seen["input"] = [meta.inputs[0].name, meta.inputs[0].datatype, list(meta.inputs[0].shape)]

# One picture of pixels 0..1 as Triton's client sends it: raw little-endian FP32 contents.
pixels = [(i % 28) / 27.0 for i in range(784)]
tensor = pb.ModelInferRequest.InferInputTensor(name="input", datatype="FP32", shape=[1, 784])
raw = pb.ModelInferRequest(model_name="fashion-mnist", inputs=[tensor],
                           raw_input_contents=[struct.pack("<784f", *pixels)])
answer = call("ModelInfer", raw, metadata=auth)
seen["raw_output"] = list(struct.unpack("<10f", answer.raw_output_contents[0]))
seen["output"] = [answer.outputs[0].name, answer.outputs[0].datatype, list(answer.outputs[0].shape)]

typed_tensor = pb.ModelInferRequest.InferInputTensor(name="input", datatype="FP32", shape=[1, 784])
typed_tensor.contents.fp32_contents.extend(pixels)
typed = pb.ModelInferRequest(model_name="fashion-mnist", inputs=[typed_tensor])
seen["typed_output"] = list(call("ModelInfer", typed, metadata=auth).outputs[0].contents.fp32_contents)

compressed = call("ModelInfer", raw, metadata=auth, compression=grpc.Compression.Gzip)
seen["gzip_output"] = list(struct.unpack("<10f", compressed.raw_output_contents[0]))



def failure(request, **options):
    try:
        call("ModelInfer", request, **options)
        return ["OK", ""]
    except grpc.RpcError as e:
        return [e.code().name, e.details() or ""]


seen["no_token"] = failure(raw)
wrong = pb.ModelInferRequest.InferInputTensor(name="input", datatype="FP32", shape=[1, 783])
seen["wrong_shape"] = failure(pb.ModelInferRequest(model_name="fashion-mnist", inputs=[wrong],
                                                   raw_input_contents=[struct.pack("<783f", *pixels[:783])]),
                              metadata=auth)
print(json.dumps(seen))
