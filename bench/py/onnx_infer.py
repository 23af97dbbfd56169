"""onnxruntime baseline for bench/onnx-infer.mjs: the same ONNX file on the same rows, from Python.

Reads float32 row-major rows written by the bench, runs the model on all of them
at once `--runs` times and on the first row alone `--single-runs` times (each
after untimed warm-up runs), fetching every output as the Node side does, and
prints the median seconds of each as JSON. The session uses onnxruntime's default
options on the CPU provider, as onnxruntime-node's `InferenceSession.create` does.
"""

import argparse
import json
import statistics
import sys
import time

try:
    import numpy as np
    import onnxruntime as ort
except ImportError as error:
    sys.exit(f"bench/py/onnx_infer.py needs onnxruntime and NumPy ({error}); pip install torch onnxruntime")


def median_seconds(session, name, x, runs, warmup):
    """Median wall time of `session.run` on `x` over `runs` timed runs."""
    for _ in range(warmup):
        session.run(None, {name: x})
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        session.run(None, {name: x})
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--x", required=True, help="float32 row-major rows")
    parser.add_argument("--features", type=int, required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--single-runs", type=int, default=2000)
    args = parser.parse_args()

    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    inputs = session.get_inputs()
    if len(inputs) != 1:
        sys.exit(f"onnx_infer.py: {args.model} has {len(inputs)} inputs; expected one feature matrix")
    name = inputs[0].name
    x = np.fromfile(args.x, dtype=np.float32).reshape(-1, args.features)
    one = np.ascontiguousarray(x[:1])
    json.dump(
        {
            "onnxruntime": ort.__version__,
            "rows": x.shape[0],
            "batchSeconds": median_seconds(session, name, x, args.runs, 2),
            "singleSeconds": median_seconds(session, name, one, args.single_runs, 100),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
