"""Writes test/metrics/golden.json: scikit-learn's values for the cases the metrics tests replay.

Run from packages/ml:  pip install scikit-learn numpy && python3 scripts/metrics-golden.py

Each case names a scikit-learn function, its inputs and keyword arguments, and either the
value it returned or the error it raised. NaN and infinities are written as the strings
"NaN", "Infinity" and "-Infinity" so the file stays plain JSON.
"""

import json
import math
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    fbeta_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_curve,
    precision_recall_fscore_support,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    roc_curve,
    root_mean_squared_error,
)

OUT = Path(__file__).resolve().parent.parent / "test" / "metrics" / "golden.json"
rng = np.random.default_rng(20261123)
cases = []


def plain(value):
    """numpy values and non-finite floats to JSON-safe Python values."""
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (np.floating, float)):
        f = float(value)
        if math.isnan(f):
            return "NaN"
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return f
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.str_):
        return str(value)
    return value


def sk_kwargs(kwargs):
    """Keyword arguments as scikit-learn takes them ("nan" zero division is np.nan)."""
    out = dict(kwargs)
    if out.get("zero_division") == "nan":
        out["zero_division"] = np.nan
    return out


def case(fn, name, func, args, kwargs=None, shape=None):
    """Runs func(*args, **kwargs) and records its result or the error it raised."""
    kwargs = kwargs or {}
    entry = {"fn": fn, "name": name, "args": plain(list(args)), "kwargs": plain(kwargs)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            # Score matrices go in as arrays: average_precision_score reads their shape.
            sk_args = [np.array(a) if a and isinstance(a[0], list) else a for a in args]
            result = func(*sk_args, **sk_kwargs(kwargs))
        except (ValueError, TypeError) as err:
            entry["raises"] = f"{type(err).__name__}: {err}"
        else:
            entry["expected"] = plain(shape(result) if shape else result)
    cases.append(entry)


def labels(n, k, p=None):
    return rng.choice(k, size=n, p=p).tolist()


def noisy(y, k, keep):
    """Predictions equal to y with probability keep, otherwise a random class."""
    return [int(v) if rng.random() < keep else int(rng.integers(k)) for v in y]


def weights(n):
    return np.round(rng.uniform(0.1, 3.0, size=n), 3).tolist()


def proba(n, k, decimals=None):
    p = rng.dirichlet(np.ones(k), size=n)
    if decimals is not None:
        # Probabilities on a coarse grid produce tied scores and still sum to 1.
        steps = 10**decimals
        p = np.array([rng.multinomial(steps, row) for row in p]) / steps
    return p.tolist()


def prfs_shape(result):
    p, r, f, s = result
    out = {"precision": p, "recall": r, "fscore": f}
    if s is not None:
        out["support"] = s
    return out


# ---- classification with labels ----------------------------------------------------------
label_sets = []
for k in (2, 3, 4, 5):
    for n in (12, 40):
        yt = labels(n, k)
        label_sets.append((f"k{k}-n{n}-noisy", yt, noisy(yt, k, 0.6)))
yt = labels(30, 3)
label_sets += [
    ("perfect", yt, list(yt)),
    ("worst-binary", [0, 1, 1, 0, 1, 0, 0, 1], [1, 0, 0, 1, 0, 1, 1, 0]),
    ("all-same-pred", yt, [1] * len(yt)),
    ("class-never-predicted", [0, 1, 2, 2, 1, 0, 2, 1], [0, 1, 1, 1, 1, 0, 0, 1]),
    ("class-absent-from-true", [0, 0, 1, 1, 0, 1], [0, 2, 1, 2, 0, 1]),
    ("single-class-true", [1, 1, 1, 1], [1, 0, 1, 1]),
    ("single-class-both", [0, 0, 0], [0, 0, 0]),
    ("strings", ["cat", "dog", "emu", "dog", "cat", "emu", "dog"], ["cat", "cat", "emu", "dog", "dog", "emu", "emu"]),
    ("binary-strings", ["no", "yes", "yes", "no", "yes"], ["no", "yes", "no", "no", "no"]),
    ("neg-one-one", [-1, 1, 1, -1, 1, -1], [-1, 1, -1, -1, 1, 1]),
    ("all-wrong-multiclass", [0, 1, 2, 0, 1, 2], [1, 2, 0, 2, 0, 1]),
]

for name, yt, yp in label_sets:
    n = len(yt)
    w = weights(n)
    case("accuracy_score", name, accuracy_score, (yt, yp))
    case("accuracy_score", name + "/weighted", accuracy_score, (yt, yp), {"sample_weight": w})
    case("accuracy_score", name + "/count", accuracy_score, (yt, yp), {"normalize": False})
    case("confusion_matrix", name, confusion_matrix, (yt, yp))
    case("confusion_matrix", name + "/weighted", confusion_matrix, (yt, yp), {"sample_weight": w})
    for norm in ("true", "pred", "all"):
        case("confusion_matrix", f"{name}/normalize-{norm}", confusion_matrix, (yt, yp), {"normalize": norm})
    present = sorted(set(yt) | set(yp))
    is_binary = len(present) <= 2
    for zd in ("warn", 0, 1, "nan"):
        for avg in ("macro", "micro", "weighted", None) + (("binary",) if is_binary else ()):
            kw = {"average": avg, "zero_division": zd}
            if avg == "binary" and isinstance(present[0], str):
                kw["pos_label"] = present[-1]
            case("precision_recall_fscore_support", f"{name}/{avg}/zd-{zd}",
                 precision_recall_fscore_support, (yt, yp), kw, prfs_shape)
    kw = {"average": "weighted" if not is_binary else "binary"}
    if isinstance(present[0], str) and is_binary:
        kw["pos_label"] = present[-1]
    case("precision_recall_fscore_support", name + "/weighted-samples",
         precision_recall_fscore_support, (yt, yp), {**kw, "sample_weight": w}, prfs_shape)
    for beta in (0.0, 0.5, 2.0):
        case("fbeta_score", f"{name}/beta-{beta}", fbeta_score, (yt, yp, ),
             {"beta": beta, "average": "macro"})
    case("precision_score", name, precision_score, (yt, yp), {"average": "macro", "zero_division": 1})
    case("recall_score", name, recall_score, (yt, yp), {"average": None})
    case("f1_score", name, f1_score, (yt, yp), {"average": "micro"})
    if is_binary and not isinstance(present[0], str):
        case("f1_score", name + "/default-binary", f1_score, (yt, yp))

# labels given: a reordering, a subset, and a label that occurs nowhere.
yt, yp = [0, 1, 2, 3, 2, 1, 0, 3, 3, 1], [0, 2, 2, 3, 1, 1, 0, 0, 3, 3]
for lab in ([3, 1, 0, 2], [2, 0], [0, 1, 2, 3, 4], [4, 1]):
    case("confusion_matrix", f"labels-{lab}", confusion_matrix, (yt, yp), {"labels": lab})
    for avg in ("macro", "micro", "weighted", None):
        case("precision_recall_fscore_support", f"labels-{lab}/{avg}",
             precision_recall_fscore_support, (yt, yp), {"labels": lab, "average": avg}, prfs_shape)
case("precision_recall_fscore_support", "binary-pos-0", precision_recall_fscore_support,
     ([0, 1, 1, 0, 1], [0, 1, 0, 0, 0]), {"average": "binary", "pos_label": 0}, prfs_shape)
case("precision_recall_fscore_support", "binary-pos-absent-single-class", precision_recall_fscore_support,
     ([0, 0, 0], [0, 0, 0]), {"average": "binary", "pos_label": 1, "zero_division": 1}, prfs_shape)
case("precision_recall_fscore_support", "zero-weights-weighted-average", precision_recall_fscore_support,
     ([0, 1, 2, 2], [0, 1, 1, 2]), {"average": "weighted", "sample_weight": [1, 0, 0, 1]}, prfs_shape)
case("precision_recall_fscore_support", "f-both-zero-not-zero-division", precision_recall_fscore_support,
     ([0, 0, 1, 1], [1, 1, 0, 0]), {"average": None, "zero_division": 1}, prfs_shape)
# Errors scikit-learn raises.
case("precision_recall_fscore_support", "error/multiclass-binary-average", precision_recall_fscore_support,
     ([0, 1, 2], [0, 1, 1]), {"average": "binary"}, prfs_shape)
case("precision_recall_fscore_support", "error/bad-pos-label", precision_recall_fscore_support,
     ([0, 1, 1], [0, 1, 0]), {"average": "binary", "pos_label": 2}, prfs_shape)
case("precision_recall_fscore_support", "error/string-default-pos-label", precision_recall_fscore_support,
     (["a", "b"], ["a", "b"]), {"average": "binary"}, prfs_shape)
case("precision_recall_fscore_support", "error/length-mismatch", precision_recall_fscore_support,
     ([0, 1, 1], [0, 1]), {}, prfs_shape)
case("accuracy_score", "error/empty", accuracy_score, ([], []))
case("accuracy_score", "error/length-mismatch", accuracy_score, ([0, 1], [0, 1, 1]))
case("accuracy_score", "error/continuous", accuracy_score, ([0.5, 1.0], [0.5, 1.0]))
case("accuracy_score", "error/mixed-types", accuracy_score, ([0, 1], ["0", "1"]))
case("confusion_matrix", "error/labels-none-in-true", confusion_matrix, ([0, 1], [0, 1]), {"labels": [5, 6]})
case("confusion_matrix", "error/labels-empty", confusion_matrix, ([0, 1], [0, 1]), {"labels": []})
case("confusion_matrix", "error/empty", confusion_matrix, ([], []))

# ---- scores of a binary target -----------------------------------------------------------
binary_scored = []
for n in (10, 25, 60):
    yt = labels(n, 2, [0.6, 0.4])
    binary_scored.append((f"random-n{n}", yt, np.round(rng.random(n), 6).tolist()))
    binary_scored.append((f"ties-n{n}", yt, np.round(rng.random(n), 1).tolist()))
yt = labels(30, 2)
binary_scored += [
    ("informative", yt, np.round(np.array(yt) * 0.5 + rng.random(30) * 0.6, 4).tolist()),
    ("perfect", [0, 0, 1, 1, 0, 1], [0.1, 0.2, 0.8, 0.9, 0.3, 0.7]),
    ("worst", [0, 0, 1, 1, 0, 1], [0.9, 0.8, 0.2, 0.1, 0.7, 0.3]),
    ("all-same-score", [0, 1, 0, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5]),
    ("collinear", [0, 1, 0, 1, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]),
    ("neg-one-one", [-1, 1, -1, 1, 1, -1], [0.3, 0.6, 0.2, 0.9, 0.4, 0.5]),
    ("negative-scores", [0, 1, 1, 0, 1], [-2.5, 1.0, 3.0, -0.5, 0.0]),
    ("single-class-positive", [1, 1, 1, 1], [0.1, 0.4, 0.4, 0.9]),
    ("single-class-negative", [0, 0, 0, 0], [0.1, 0.4, 0.4, 0.9]),
]
for name, yt, ys in binary_scored:
    w = weights(len(yt))
    for drop in (True, False):
        case("roc_curve", f"{name}/drop-{drop}", roc_curve, (yt, ys), {"drop_intermediate": drop})
    case("roc_curve", name + "/weighted", roc_curve, (yt, ys), {"sample_weight": w})
    case("roc_auc_score", name, roc_auc_score, (yt, ys))
    case("roc_auc_score", name + "/weighted", roc_auc_score, (yt, ys), {"sample_weight": w})
    pos = 1
    case("average_precision_score", name, average_precision_score, (yt, ys), {"pos_label": pos})
    case("average_precision_score", name + "/weighted", average_precision_score, (yt, ys),
         {"pos_label": pos, "sample_weight": w})
    for drop in (False, True):
        case("precision_recall_curve", f"{name}/drop-{drop}", precision_recall_curve, (yt, ys),
             {"drop_intermediate": drop})
    case("precision_recall_curve", name + "/weighted", precision_recall_curve, (yt, ys), {"sample_weight": w})
    if min(ys) >= 0 and max(ys) <= 1:
        case("brier_score_loss", name, brier_score_loss, (yt, ys))
        case("brier_score_loss", name + "/weighted", brier_score_loss, (yt, ys), {"sample_weight": w})
        case("log_loss", name, log_loss, (yt, ys))
        case("log_loss", name + "/weighted", log_loss, (yt, ys), {"sample_weight": w})
        case("log_loss", name + "/sum", log_loss, (yt, ys), {"normalize": False})
        for strategy in ("uniform", "quantile"):
            for n_bins in (3, 5, 10):
                case("calibration_curve", f"{name}/{strategy}-{n_bins}", calibration_curve, (yt, ys),
                     {"n_bins": n_bins, "strategy": strategy})

# pos_label, string labels, zero weights, and probabilities on bin edges.
yt_s = ["ham", "spam", "spam", "ham", "spam", "ham"]
ys_s = [0.2, 0.7, 0.4, 0.4, 0.9, 0.1]
case("roc_curve", "strings-pos-ham", roc_curve, (yt_s, ys_s), {"pos_label": "ham"})
case("roc_auc_score", "strings", roc_auc_score, (yt_s, ys_s))
case("average_precision_score", "strings-pos-spam", average_precision_score, (yt_s, ys_s), {"pos_label": "spam"})
case("precision_recall_curve", "strings-pos-spam", precision_recall_curve, (yt_s, ys_s), {"pos_label": "spam"})
case("brier_score_loss", "strings-pos-spam", brier_score_loss, (yt_s, ys_s), {"pos_label": "spam"})
case("log_loss", "strings", log_loss, (yt_s, ys_s))
case("calibration_curve", "strings-pos-spam", calibration_curve, (yt_s, ys_s), {"pos_label": "spam", "n_bins": 2})
case("roc_curve", "multiclass-with-pos-label", roc_curve, ([0, 1, 2, 2, 1, 0], [0.1, 0.5, 0.9, 0.7, 0.4, 0.3]), {"pos_label": 2})
case("roc_curve", "zero-weights", roc_curve, ([0, 1, 0, 1, 1], [0.1, 0.8, 0.4, 0.3, 0.6]), {"sample_weight": [1, 0, 2, 1, 0]})
case("precision_recall_curve", "pos-0", precision_recall_curve, ([0, 1, 0, 1, 1], [0.9, 0.8, 0.4, 0.3, 0.6]), {"pos_label": 0})
case("brier_score_loss", "labels-2-5-greater-positive", brier_score_loss, ([2, 5, 5, 2], [0.1, 0.8, 0.6, 0.3]))
case("brier_score_loss", "pos-label-0", brier_score_loss, ([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3]), {"pos_label": 0})
case("calibration_curve", "on-edges-uniform", calibration_curve,
     ([0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0], [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.6, 0.2, 0.4, 0.8, 0.3]), {"n_bins": 5})
case("calibration_curve", "on-edges-quantile", calibration_curve,
     ([0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0], [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.6, 0.2, 0.4, 0.8, 0.3]),
     {"n_bins": 4, "strategy": "quantile"})
case("log_loss", "extreme-probabilities-clipped", log_loss, ([0, 1, 1, 0], [0.0, 1.0, 0.0, 1.0]))
case("log_loss", "single-class-with-labels", log_loss, ([1, 1, 1], [0.9, 0.8, 0.7]), {"labels": [0, 1]})
case("roc_curve", "error/multiclass-no-pos-label", roc_curve, ([0, 1, 2], [0.1, 0.2, 0.3]))
case("roc_curve", "error/strings-no-pos-label", roc_curve, (["a", "b"], [0.1, 0.2]))
case("roc_curve", "error/length-mismatch", roc_curve, ([0, 1, 1], [0.1, 0.2]))
case("roc_curve", "error/non-finite-score", roc_curve, ([0, 1], [0.1, float("nan")]))
case("average_precision_score", "error/bad-pos-label", average_precision_score, ([0, 1, 1], [0.1, 0.2, 0.3]), {"pos_label": 2})
case("log_loss", "error/single-class", log_loss, ([1, 1, 1], [0.9, 0.8, 0.7]))
case("log_loss", "error/above-one", log_loss, ([0, 1], [0.5, 1.5]))
case("log_loss", "error/below-zero", log_loss, ([0, 1], [-0.5, 0.5]))
case("log_loss", "error/wrong-column-count", log_loss, ([0, 1, 2], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]))
case("log_loss", "error/true-outside-labels", log_loss, ([0, 1, 3], [0.1, 0.2, 0.3]), {"labels": [0, 1]})
case("brier_score_loss", "error/strings-no-pos-label", brier_score_loss, (["a", "b"], [0.1, 0.9]))
case("brier_score_loss", "error/above-one", brier_score_loss, ([0, 1], [0.1, 1.1]))
case("brier_score_loss", "error/multiclass-1d", brier_score_loss, ([0, 1, 2], [0.1, 0.5, 0.9]))
case("calibration_curve", "error/outside-0-1", calibration_curve, ([0, 1], [0.1, 1.2]))
case("calibration_curve", "error/multiclass", calibration_curve, ([0, 1, 2], [0.1, 0.5, 0.9]), {"pos_label": 2})
case("calibration_curve", "error/length-mismatch", calibration_curve, ([0, 1, 1], [0.1, 0.5]))

# ---- probabilities of a multiclass target ------------------------------------------------
for k in (3, 4, 5):
    for n, decimals in ((15, None), (40, 1)):
        yt = labels(n, k)
        if len(set(yt)) < k:
            yt[:k] = list(range(k))
        p = proba(n, k, decimals)
        name = f"k{k}-n{n}" + ("-ties" if decimals else "")
        w = weights(n)
        for avg in ("macro", "weighted", "micro", None):
            case("roc_auc_score", f"{name}/{avg}", roc_auc_score, (yt, p), {"multi_class": "ovr", "average": avg})
            case("average_precision_score", f"{name}/{avg}", average_precision_score, (yt, p), {"average": avg})
        case("roc_auc_score", name + "/weighted-samples", roc_auc_score, (yt, p),
             {"multi_class": "ovr", "average": "weighted", "sample_weight": w})
        case("average_precision_score", name + "/weighted-samples", average_precision_score, (yt, p),
             {"average": "macro", "sample_weight": w})
        case("log_loss", name, log_loss, (yt, p))
        case("log_loss", name + "/weighted", log_loss, (yt, p), {"sample_weight": w})
        case("brier_score_loss", name, brier_score_loss, (yt, p))
        case("brier_score_loss", name + "/weighted", brier_score_loss, (yt, p), {"sample_weight": w})
        case("brier_score_loss", name + "/halved", brier_score_loss, (yt, p), {"scale_by_half": True})
# One class absent from y_true: the columns need labels.
yt_abs = [0, 2, 2, 0, 2, 0]
p_abs = proba(6, 3)
for avg in ("macro", "weighted", None):
    case("roc_auc_score", f"class-absent/{avg}", roc_auc_score, (yt_abs, p_abs),
         {"multi_class": "ovr", "average": avg, "labels": [0, 1, 2]})
case("log_loss", "class-absent", log_loss, (yt_abs, p_abs), {"labels": [0, 1, 2]})
case("brier_score_loss", "class-absent", brier_score_loss, (yt_abs, p_abs), {"labels": [0, 1, 2]})
yt_str = ["a", "c", "b", "a", "c", "b", "b"]
p_str = proba(7, 3)
case("roc_auc_score", "strings", roc_auc_score, (yt_str, p_str), {"multi_class": "ovr"})
case("log_loss", "strings", log_loss, (yt_str, p_str))
case("brier_score_loss", "strings", brier_score_loss, (yt_str, p_str))
case("log_loss", "two-columns", log_loss, ([0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]))
case("brier_score_loss", "two-columns", brier_score_loss, ([0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]))
case("log_loss", "rows-not-summing-to-one", log_loss, ([0, 1, 2], [[0.5, 0.3, 0.1], [0.2, 0.5, 0.2], [0.1, 0.1, 0.3]]))
case("roc_auc_score", "error/rows-not-summing-to-one", roc_auc_score,
     ([0, 1, 2], [[0.5, 0.3, 0.1], [0.2, 0.5, 0.2], [0.1, 0.1, 0.3]]), {"multi_class": "ovr"})
case("roc_auc_score", "error/column-count", roc_auc_score,
     ([0, 1, 2, 1], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), {"multi_class": "ovr"})
case("roc_auc_score", "error/absent-class-without-labels", roc_auc_score, (yt_abs, p_abs), {"multi_class": "ovr"})
case("roc_auc_score", "error/labels-unsorted", roc_auc_score, (yt_abs, p_abs), {"multi_class": "ovr", "labels": [2, 1, 0]})
case("roc_auc_score", "error/multiclass-1d", roc_auc_score, ([0, 1, 2], [0.1, 0.5, 0.9]), {"multi_class": "ovr"})
case("roc_auc_score", "error/length-mismatch", roc_auc_score, ([0, 1, 1], [0.1, 0.5]))
case("average_precision_score", "error/column-count", average_precision_score,
     ([0, 1, 2, 1], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]))

# ---- regression ----------------------------------------------------------------------------
regression = []
for n in (5, 30, 100):
    yt = np.round(rng.normal(10, 4, n), 4)
    regression.append((f"normal-n{n}", yt.tolist(), np.round(yt + rng.normal(0, 2, n), 4).tolist()))
    regression.append((f"bad-n{n}", yt.tolist(), np.round(rng.normal(0, 10, n), 4).tolist()))
regression += [
    ("perfect", [1.5, -2.0, 3.25, 0.0], [1.5, -2.0, 3.25, 0.0]),
    ("constant-true-wrong", [2.5, 2.5, 2.5, 2.5], [2.0, 3.0, 2.5, 2.5]),
    ("constant-true-perfect", [3.0, 3.0, 3.0], [3.0, 3.0, 3.0]),
    ("constant-true-0.1", [0.1] * 10, [0.1] * 9 + [0.2]),
    ("predict-mean", [1.0, 2.0, 3.0, 4.0], [2.5, 2.5, 2.5, 2.5]),
    ("single-sample", [4.0], [3.0]),
    ("large-values", [1e6, 2e6, 3e6], [1.1e6, 1.9e6, 3.2e6]),
]
for name, yt, yp in regression:
    w = weights(len(yt))
    for fn, func in (("mean_squared_error", mean_squared_error), ("root_mean_squared_error", root_mean_squared_error),
                     ("mean_absolute_error", mean_absolute_error), ("r2_score", r2_score)):
        case(fn, name, func, (yt, yp))
        case(fn, name + "/weighted", func, (yt, yp), {"sample_weight": w})
    case("r2_score", name + "/not-forced-finite", r2_score, (yt, yp), {"force_finite": False})
# With weights, scikit-learn's weighted mean of a constant 0.1 is not exactly 0.1, so the total
# sum of squares comes out ~1e-33 instead of 0 and R² ~ -7e30 instead of the force_finite 0.
# The TypeScript code detects a constant y_true exactly; the case records both values.
for c in cases:
    if c["fn"] == "r2_score" and c["name"] == "constant-true-0.1/weighted":
        c["differs"] = {
            "expected": plain(r2_score(c["args"][0], c["args"][1])),
            "reason": "constant y_true: floating-point weighted mean in scikit-learn misses SStot = 0",
        }

for fn, func in (("mean_squared_error", mean_squared_error), ("mean_absolute_error", mean_absolute_error),
                 ("r2_score", r2_score)):
    case(fn, "error/length-mismatch", func, ([1.0, 2.0], [1.0]))
    case(fn, "error/empty", func, ([], []))
    case(fn, "error/non-finite", func, ([1.0, float("inf")], [1.0, 2.0]))

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(
    json.dumps(
        {"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases},
        separators=(",", ":"),
        allow_nan=False,
    )
    + "\n"
)
print(f"{len(cases)} cases ({sum('raises' in c for c in cases)} errors) -> {OUT}, {OUT.stat().st_size} bytes")
