#!/usr/bin/env python3
"""Writes the request bodies bench/run.sh sends: V2 inference batches from the Fashion-MNIST test set and orders of
PNG fixtures (base64). Usage: make-bodies.py DATASET_DIR FIXTURES_DIR OUT_DIR"""
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


pngs = sorted(p for p in os.listdir(fixtures) if p.endswith(".png"))
images = [base64.b64encode(open(os.path.join(fixtures, p), "rb").read()).decode() for p in pngs]


def order(n):
    return {"items": [{"image": images[i % len(images)]} for i in range(n)]}


for name, body in (("infer-1.json", infer(1)), ("infer-32.json", infer(32)), ("order-1.json", order(1)),
                   ("order-8.json", order(8)), ("order-32.json", order(32))):
    with open(os.path.join(out, name), "w") as f:
        json.dump(body, f)
