// Reference values: scikit-learn 1.9 (roc_auc_score, roc_curve, log_loss) on fixed losses,
// written by packages/ml/scripts/audit-golden.py into audit-golden.json.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  calibratedScores,
  exampleLosses,
  lossThresholdScores,
  membershipAttackMetrics,
  type MembershipAttackMetrics,
} from "../../src/privacy/audit/index.js";

interface Golden {
  fprTargets: number[];
  attacks: {
    name: string;
    memberLosses: number[];
    nonMemberLosses: number[];
    expected: MembershipAttackMetrics;
  }[];
  calibrated: {
    targetMemberLosses: number[];
    targetNonMemberLosses: number[];
    referenceMemberLosses: number[][];
    referenceNonMemberLosses: number[][];
    expectedScoresMembers: number[];
    expected: MembershipAttackMetrics;
    expectedUncalibrated: MembershipAttackMetrics;
  };
  crossEntropy: { probabilities: number[][]; labels: number[]; expected: number[] };
}

const golden = JSON.parse(
  readFileSync(new URL("audit-golden.json", import.meta.url), "utf8"),
) as Golden;

function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} != ${expected}`,
  );
}

function assertMetrics(actual: MembershipAttackMetrics, expected: MembershipAttackMetrics): void {
  close(actual.auc, expected.auc, "auc");
  close(actual.advantage, expected.advantage, "advantage");
  close(actual.minimumAchievableFpr, expected.minimumAchievableFpr, "minimumAchievableFpr");
  assert.deepEqual(actual.tprAtFpr, expected.tprAtFpr);
}

describe("membership attack metrics against scikit-learn", () => {
  for (const c of golden.attacks) {
    it(`loss-threshold attack: ${c.name}`, () => {
      const result = membershipAttackMetrics(
        lossThresholdScores(c.memberLosses),
        lossThresholdScores(c.nonMemberLosses),
        golden.fprTargets,
      );
      assertMetrics(result, c.expected);
    });
  }

  it("reports a target FPR below the smallest measurable one as unreachable, with no TPR", () => {
    const few = golden.attacks.find((c) => c.name === "40 non-members");
    assert.ok(few !== undefined);
    const result = membershipAttackMetrics(
      lossThresholdScores(few.memberLosses),
      lossThresholdScores(few.nonMemberLosses),
    );
    assert.equal(result.minimumAchievableFpr, 1 / 40);
    for (const at of result.tprAtFpr) {
      assert.equal(at.reachable, false);
      assert.equal(at.tpr, null);
    }
  });

  it("difficulty-calibrated scores and their metrics", () => {
    const c = golden.calibrated;
    const members = calibratedScores(c.targetMemberLosses, c.referenceMemberLosses);
    c.expectedScoresMembers.forEach((s, i) => {
      close(members[i] ?? Number.NaN, s, `score ${i}`);
    });
    const nonMembers = calibratedScores(c.targetNonMemberLosses, c.referenceNonMemberLosses);
    assertMetrics(membershipAttackMetrics(members, nonMembers, golden.fprTargets), c.expected);
    assertMetrics(
      membershipAttackMetrics(
        lossThresholdScores(c.targetMemberLosses),
        lossThresholdScores(c.targetNonMemberLosses),
        golden.fprTargets,
      ),
      c.expectedUncalibrated,
    );
  });

  it("per-example cross-entropy equals log_loss of each row, clipped at 0 and 1", async () => {
    const { probabilities, labels, expected } = golden.crossEntropy;
    const k = probabilities[0]?.length ?? 0;
    const losses = await exampleLosses(
      {
        task: "classification",
        classes: ["a", "b", "c"],
        predict: () => Float64Array.from(probabilities.flat()),
      },
      {
        name: "rows",
        task: "classification",
        featureNames: ["f"],
        targetName: "label",
        x: new Float64Array(labels.length),
        y: Float64Array.from(labels),
        classes: ["a", "b", "c"].slice(0, k),
      },
    );
    expected.forEach((e, i) => {
      close(losses[i] ?? Number.NaN, e, `row ${i}`);
    });
  });
});
