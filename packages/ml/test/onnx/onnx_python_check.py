"""Checks an ONNX file with the reference Python tooling and runs it with Python onnxruntime.

Usage: python3 onnx_python_check.py MODEL.onnx < input.json
input.json: {"rows": R, "x": [R*F numbers, row-major]} (fed as int64 to an int64 input, else float32)
With "texts": [strings] in input.json, a text model's texts are also encoded from its
`text_preprocessing` metadata the way docs/onnx.md describes, and printed as "encoded".
Prints JSON: {"ir_version", "opset", "producer_name", "metadata", "outputs": {name: {"dims", "data"}}}.
Exits non-zero (with the checker's message on stderr) when the model fails the full check.
"""

import json
import re
import sys

import numpy as np
import onnx
import onnxruntime


# Python's Unicode \w is [\p{L}\p{N}_], the classes of the "gatehouse-words-v1" rule.
WORD = re.compile(r"\w+(?:['’]\w+)*")


def encode_texts(texts: list[str], pre: dict) -> list[int]:
    index = {token: i for i, token in enumerate(pre["vocabulary"])}
    length = pre["sequenceLength"]
    rows = []
    for text in texts:
        ids = [index.get(t, 1) for t in WORD.findall(text.lower())]
        if len(ids) > length:
            ids = ids[-length:] if pre["truncating"] == "pre" else ids[:length]
        pad = [0] * (length - len(ids))
        rows.extend(pad + ids if pre["padding"] == "pre" else ids + pad)
    return rows


def main() -> None:
    path = sys.argv[1]
    request = json.load(sys.stdin)
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)

    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    [model_input] = session.get_inputs()
    dtype = np.int64 if model_input.type == "tensor(int64)" else np.float32
    x = np.asarray(request["x"], dtype=dtype).reshape(request["rows"], -1)
    names = [o.name for o in session.get_outputs()]
    values = session.run(names, {model_input.name: x})

    meta = session.get_modelmeta().custom_metadata_map
    extra = {}
    if "texts" in request:
        pre = json.loads(meta["text_preprocessing"])
        extra["encoded"] = encode_texts(request["texts"], pre)
    json.dump(
        {
            **extra,
            "ir_version": model.ir_version,
            "opset": [{"domain": o.domain, "version": o.version} for o in model.opset_import],
            "producer_name": model.producer_name,
            "metadata": meta,
            "outputs": {
                name: {"dims": list(v.shape), "data": v.ravel().tolist()}
                for name, v in zip(names, values)
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
