"""Checks an ONNX file with the reference Python tooling and runs it with Python onnxruntime.

Usage: python3 onnx_python_check.py MODEL.onnx < input.json
input.json: {"rows": R, "x": [R*F numbers, row-major]}
Prints JSON: {"ir_version", "opset", "producer_name", "metadata", "outputs": {name: {"dims", "data"}}}.
Exits non-zero (with the checker's message on stderr) when the model fails the full check.
"""

import json
import sys

import numpy as np
import onnx
import onnxruntime


def main() -> None:
    path = sys.argv[1]
    request = json.load(sys.stdin)
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)

    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    [model_input] = session.get_inputs()
    x = np.asarray(request["x"], dtype=np.float32).reshape(request["rows"], -1)
    names = [o.name for o in session.get_outputs()]
    values = session.run(names, {model_input.name: x})

    json.dump(
        {
            "ir_version": model.ir_version,
            "opset": [{"domain": o.domain, "version": o.version} for o in model.opset_import],
            "producer_name": model.producer_name,
            "metadata": session.get_modelmeta().custom_metadata_map,
            "outputs": {
                name: {"dims": list(v.shape), "data": v.ravel().tolist()}
                for name, v in zip(names, values)
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
