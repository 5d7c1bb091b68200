#!/usr/bin/env python3
"""Writes the request bodies bench/run.sh sends: V2 inference batches from the Fashion-MNIST test set (JSON, binary
tensor data, and a gRPC ModelInfer message framed as on the wire) and orders of PNG fixtures (base64).
Usage: make-bodies.py DATASET_DIR FIXTURES_DIR OUT_DIR"""
import base64
import gzip
import json
import os
import struct
import sys

dataset, fixtures, out = sys.argv[1], sys.argv[2], sys.argv[3]
with gzip.open(os.path.join(dataset, "t10k-images-idx3-ubyte.gz"), "rb") as f:
    _, count, rows, cols = struct.unpack(">IIII", f.read(16))
    pixels = rows * cols
    raw = f.read(64 * pixels)


def infer(batch):
    data = [round(b / 255.0, 6) for b in raw[: batch * pixels]]
    return {"inputs": [{"name": "input", "shape": [batch, pixels], "datatype": "FP32", "data": data}]}


def floats(batch):
    """The rows as raw FP32 tensor data: little-endian, as the protocol's raw contents are."""
    return struct.pack("<%df" % (batch * pixels), *[b / 255.0 for b in raw[: batch * pixels]])


def binary(batch):
    """A binary tensor data body: the JSON header, then the raw input; and the header's length."""
    header = json.dumps({"inputs": [{"name": "input", "shape": [batch, pixels], "datatype": "FP32",
                                     "parameters": {"binary_data_size": batch * pixels * 4}}]}).encode()
    return header + floats(batch), len(header)


def varint(n):
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, payload):
    """A length-delimited protobuf field (strings, bytes, messages, packed repeated)."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def grpc(batch, model):
    """ModelInferRequest{model_name, inputs[input FP32 [batch, 784]], raw_input_contents} in a gRPC frame."""
    tensor = field(1, b"input") + field(2, b"FP32") + field(3, varint(batch) + varint(pixels))
    message = field(1, model.encode()) + field(5, tensor) + field(7, floats(batch))
    return b"\0" + struct.pack(">I", len(message)) + message


pngs = sorted(p for p in os.listdir(fixtures) if p.endswith(".png"))
images = [base64.b64encode(open(os.path.join(fixtures, p), "rb").read()).decode() for p in pngs]


def order(n):
    return {"items": [{"image": images[i % len(images)]} for i in range(n)]}


for name, body in (("infer-1.json", infer(1)), ("infer-32.json", infer(32)), ("order-1.json", order(1)),
                   ("order-8.json", order(8)), ("order-32.json", order(32))):
    with open(os.path.join(out, name), "w") as f:
        json.dump(body, f)
for batch in (1, 32):
    body, header_length = binary(batch)
    with open(os.path.join(out, "infer-%d.bin" % batch), "wb") as f:
        f.write(body)
    with open(os.path.join(out, "infer-%d.bin.header" % batch), "w") as f:
        f.write(str(header_length))
    with open(os.path.join(out, "infer-%d.grpc" % batch), "wb") as f:
        f.write(grpc(batch, "fashion-mnist"))
