"""Scores an ONNX model on rows from a CSV with onnxruntime and scikit-learn, as an
independent check of Gatehouse's evaluation. Prints the metrics as JSON.

usage: python3 sklearn_evaluate.py MODEL.onnx ROWS.csv classification|regression N_CLASSES
The CSV has the raw features, then the target (a class index or a value), no header.
"""
import json
import sys

import numpy as np
import onnxruntime as ort
from sklearn import metrics

model_file, rows_file, task, n_classes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = np.loadtxt(rows_file, delimiter=",", ndmin=2)
x, y = data[:, :-1].astype(np.float32), data[:, -1]
session = ort.InferenceSession(model_file, providers=["CPUExecutionProvider"])
out = {}
if task == "classification":
    proba = session.run(["probabilities"], {"features": x})[0].astype(np.float64)
    y = y.astype(int)
    pred = proba.argmax(axis=1)
    labels = list(range(n_classes))
    out["accuracy"] = metrics.accuracy_score(y, pred)
    for avg in ("macro", "weighted"):
        p, r, f, _ = metrics.precision_recall_fscore_support(
            y, pred, labels=labels, average=avg, zero_division=0
        )
        out[f"precision_{avg}"], out[f"recall_{avg}"], out[f"f1_{avg}"] = p, r, f
    out["log_loss"] = metrics.log_loss(y, proba, labels=labels)
    if n_classes == 2:
        out["brier_score"] = metrics.brier_score_loss(y, proba[:, 1], labels=labels)
        out["roc_auc"] = metrics.roc_auc_score(y, proba[:, 1])
    else:
        out["brier_score"] = metrics.brier_score_loss(y, proba, labels=labels)
        out["roc_auc_ovr_macro"] = metrics.roc_auc_score(
            y, proba, multi_class="ovr", average="macro", labels=labels
        )
else:
    pred = session.run(["prediction"], {"features": x})[0].astype(np.float64).ravel()
    out["mse"] = metrics.mean_squared_error(y, pred)
    out["rmse"] = metrics.root_mean_squared_error(y, pred)
    out["mae"] = metrics.mean_absolute_error(y, pred)
    out["r2"] = metrics.r2_score(y, pred)
print(json.dumps(out))
