"""Writes test/privacy/audit-golden.json: scikit-learn's values for the membership-audit tests.

Run from packages/ml:  pip install scikit-learn numpy && python3 scripts/audit-golden.py
(then `npx prettier --write test/privacy/audit-golden.json`, as the repository formats JSON)

Each attack case holds fixed per-example losses of members and non-members (drawn here
once with a seeded numpy generator and stored, so the TypeScript side reads the very same
numbers) and the values scikit-learn gives for a loss-threshold attack on them:

* auc: sklearn.metrics.roc_auc_score(y, -loss), members labelled 1;
* the ROC curve: sklearn.metrics.roc_curve(y, -loss, drop_intermediate=False);
* tpr_at_fpr: for each target FPR, the highest TPR among curve points whose FPR is at
  most the target (no interpolation); unreachable (None) when the target is below
  1 / (number of non-members), the smallest non-zero FPR the non-members can measure;
* advantage: max(tpr - fpr) over the curve (Yeom et al. 2018).

The calibrated case adds reference-model losses; its score is
-(loss_target - mean over references of loss_reference) (Watson et al. 2022).

The cross-entropy case holds probability rows and labels; each expected loss is
sklearn.metrics.log_loss([y], [p], labels=range(k)) of the single row (float64, so
probabilities are clipped to the float64 machine epsilon).
"""

import json
from pathlib import Path

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score, roc_curve

TARGETS = [0.001, 0.01]
rng = np.random.default_rng(20260523)


def attack(member_scores, non_member_scores):
    y = np.r_[np.ones(len(member_scores)), np.zeros(len(non_member_scores))]
    s = np.r_[member_scores, non_member_scores]
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    minimum = 1 / len(non_member_scores)
    at = []
    for target in TARGETS:
        if target < minimum:
            at.append({"targetFpr": target, "reachable": False, "tpr": None, "fpr": None})
            continue
        ok = fpr <= target
        best = int(np.argmax(np.where(ok, tpr, -1.0)))
        at.append(
            {"targetFpr": target, "reachable": True, "tpr": float(tpr[best]), "fpr": float(fpr[best])}
        )
    return {
        "auc": float(roc_auc_score(y, s)),
        "advantage": float(np.max(tpr - fpr)),
        "minimumAchievableFpr": minimum,
        "tprAtFpr": at,
    }


def rounded(a, digits=6):
    return [round(float(v), digits) for v in a]


cases = []

# Members' losses shifted lower than non-members'; enough non-members for both targets.
members = rounded(np.abs(rng.normal(0.2, 0.4, 400)))
non_members = rounded(np.abs(rng.normal(0.5, 0.6, 1500)))
cases.append({"name": "separated losses, 1500 non-members", "memberLosses": members,
              "nonMemberLosses": non_members})

# Coarse losses: many ties, within and across the sets.
members = rounded(np.abs(rng.normal(0.3, 0.5, 120)), 1)
non_members = rounded(np.abs(rng.normal(0.5, 0.5, 100)), 1)
cases.append({"name": "tied losses", "memberLosses": members, "nonMemberLosses": non_members})

# 40 non-members: no threshold has an FPR of 1% or less other than 0.
members = rounded(rng.exponential(0.3, 60))
non_members = rounded(rng.exponential(0.6, 40))
cases.append({"name": "40 non-members", "memberLosses": members, "nonMemberLosses": non_members})

# Same distribution for both: AUC near 0.5.
members = rounded(rng.exponential(0.5, 500))
non_members = rounded(rng.exponential(0.5, 500))
cases.append({"name": "same distribution", "memberLosses": members, "nonMemberLosses": non_members})

for case in cases:
    case["expected"] = attack(-np.array(case["memberLosses"]), -np.array(case["nonMemberLosses"]))

# Difficulty calibration: each row has a difficulty every model shares; the target lowers
# its members' loss by a fixed amount.
n_members, n_non_members, n_references = 300, 300, 3
difficulty_m = rng.exponential(1.0, n_members)
difficulty_n = rng.exponential(1.0, n_non_members)
target_m = rounded(np.maximum(difficulty_m - 0.3, 0) + rng.normal(0, 0.05, n_members) ** 2)
target_n = rounded(difficulty_n + rng.normal(0, 0.05, n_non_members) ** 2)
refs_m = [rounded(difficulty_m + rng.normal(0, 0.1, n_members) ** 2) for _ in range(n_references)]
refs_n = [rounded(difficulty_n + rng.normal(0, 0.1, n_non_members) ** 2) for _ in range(n_references)]
score_m = -(np.array(target_m) - np.mean(np.array(refs_m), axis=0))
score_n = -(np.array(target_n) - np.mean(np.array(refs_n), axis=0))
calibrated = {
    "targetMemberLosses": target_m,
    "targetNonMemberLosses": target_n,
    "referenceMemberLosses": refs_m,
    "referenceNonMemberLosses": refs_n,
    "expectedScoresMembers": score_m.tolist(),
    "expected": attack(score_m, score_n),
    "expectedUncalibrated": attack(-np.array(target_m), -np.array(target_n)),
}

# Cross-entropy per example, including probabilities of exactly 0 and 1 (clipped).
k = 3
probabilities = rng.dirichlet(np.ones(k), 30)
probabilities[0] = [1.0, 0.0, 0.0]
probabilities[1] = [0.0, 1.0, 0.0]
labels = rng.integers(0, k, 30)
labels[0] = 0  # p = 1 for the true class
labels[1] = 0  # p = 0 for the true class
cross_entropy = {
    "probabilities": probabilities.tolist(),
    "labels": labels.tolist(),
    "expected": [
        float(log_loss([int(y)], [p], labels=list(range(k)))) for y, p in zip(labels, probabilities)
    ],
}

out = Path(__file__).resolve().parent.parent / "test" / "privacy" / "audit-golden.json"
out.write_text(
    json.dumps(
        {"fprTargets": TARGETS, "attacks": cases, "calibrated": calibrated,
         "crossEntropy": cross_entropy},
        indent=1,
    )
    + "\n"
)
print(f"wrote {out}")
