import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { validateEvidence, writeEvidenceFile } from "../../src/evidence/index.js";
import { openOnnxModel } from "../../src/onnx/index.js";
import {
  MembershipAuditError,
  auditMembership,
  auditOnnxModel,
  exampleLosses,
  membershipAuditEvidence,
  onnxPredictor,
} from "../../src/privacy/audit/index.js";
import {
  FEATURES,
  memorisingModel,
  nullAucTolerance,
  population,
  rowsOf,
  writeCsvFile,
} from "./audit-fixtures.js";

// 200 training rows (members), a held-out pool of 2000, and two reference models that
// memorise 200 rows each from elsewhere in the population.
const MEMBERS = 200;
const POOL = 2000;
const all = population(MEMBERS + POOL + 2 * MEMBERS, 2026, "population");
const members = rowsOf(all, 0, MEMBERS, "members");
const pool = rowsOf(all, MEMBERS, MEMBERS + POOL, "pool");
const nonMembers = rowsOf(pool, 0, MEMBERS, "non-members");
const referenceSets = [0, 1].map((r) =>
  rowsOf(all, MEMBERS + POOL + r * MEMBERS, MEMBERS + POOL + (r + 1) * MEMBERS, `ref-${r}`),
);
const BOOST = 2;

describe("membership-inference audit of ONNX models", () => {
  let dir: string;
  const file = (name: string): string => path.join(dir, name);
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "gatehouse-audit-"));
    await writeFile(file("target.onnx"), memorisingModel(members, BOOST));
    for (const [r, set] of referenceSets.entries()) {
      await writeFile(file(`ref-${r}.onnx`), memorisingModel(set, BOOST));
    }
    await writeCsvFile(file("members.csv"), members);
    await writeCsvFile(file("non-members.csv"), nonMembers);
    // Same columns, another order: allowed.
    await writeCsvFile(file("non-members-shuffled.csv"), nonMembers, [...FEATURES].reverse());
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds a model that memorised its training rows, and calibration finds it better", async () => {
    const result = await auditOnnxModel({
      model: file("target.onnx"),
      members: file("members.csv"),
      nonMembers: file("non-members-shuffled.csv"),
      target: "label",
      references: [file("ref-0.onnx"), file("ref-1.onnx")],
    });
    const band = nullAucTolerance(MEMBERS, MEMBERS);
    assert.ok(result.lossThreshold.auc > 0.5 + band, `AUC ${result.lossThreshold.auc}`);
    assert.ok(result.calibrated.ran);
    assert.ok(result.calibrated.auc > 0.95, `calibrated AUC ${result.calibrated.auc}`);
    assert.ok(result.calibrated.auc > result.lossThreshold.auc);
    assert.equal(result.calibrated.references, 2);
    assert.equal(result.loss, "cross-entropy");
    assert.deepEqual(
      {
        members: result.members.rows,
        nonMembers: result.nonMembers.rows,
        overlap: result.overlappingRows,
      },
      { members: 200, nonMembers: 200, overlap: 0 },
    );
    assert.match(result.membersFile.sha256, /^[0-9a-f]{64}$/);
    assert.notEqual(result.membersFile.sha256, result.nonMembersFile.sha256);
    assert.equal(result.referenceModels.length, 2);
    // 200 non-members: 1% FPR is measurable (2 false positives), 0.1% is not.
    assert.equal(result.lossThreshold.minimumAchievableFpr, 1 / 200);
    const [at01, at1] = result.lossThreshold.tprAtFpr;
    assert.deepEqual(at01, { targetFpr: 0.001, reachable: false, tpr: null, fpr: null });
    assert.equal(at1?.reachable, true);
  });

  it("writes the result as privacy evidence naming the split by content", async () => {
    const result = await auditOnnxModel({
      model: file("target.onnx"),
      members: file("members.csv"),
      nonMembers: file("non-members.csv"),
      target: "label",
    });
    await writeEvidenceFile(file("evidence.json"), membershipAuditEvidence(result));
    const report = JSON.parse(await readFile(file("evidence.json"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.equal(validateEvidence(report).ok, true);
    assert.equal(report.kind, "privacy");
    assert.equal(report.schemaVersion, 2);
    assert.equal(report.assessment, "membership-inference");
    assert.deepEqual(report.subject, { sha256: result.model.sha256, path: "target.onnx" });
    assert.equal(report.command, "privacy audit");
    assert.equal(report.targetColumn, "label");
    assert.deepEqual(report.split, {
      members: { ...result.membersFile, ...result.members },
      nonMembers: { ...result.nonMembersFile, ...result.nonMembers },
      overlappingRows: 0,
    });
    assert.deepEqual(report.lossThreshold, result.lossThreshold);
    assert.deepEqual(report.calibrated, result.calibrated);
    assert.equal((report.model as { file: string }).file, "target.onnx");
  });

  it("finds nothing between two halves of the same held-out pool", async () => {
    const model = await openOnnxModel(file("target.onnx"));
    try {
      const half = POOL / 2;
      const result = await auditMembership({
        target: onnxPredictor(model),
        members: rowsOf(pool, 0, half, "pool-a"),
        nonMembers: rowsOf(pool, half, POOL, "pool-b"),
      });
      const band = nullAucTolerance(half, half);
      assert.ok(
        Math.abs(result.lossThreshold.auc - 0.5) < band,
        `AUC ${result.lossThreshold.auc} outside 0.5 ± ${band}`,
      );
      assert.deepEqual(result.calibrated, {
        ran: false,
        reason: "no reference models were given; the calibrated attack needs at least one",
      });
    } finally {
      await model.close();
    }
  });

  it("rejects a non-members file whose columns differ, naming them", async () => {
    await writeFile(file("other.csv"), "f0,f1,extra,label\n0,0,1,a\n");
    await assert.rejects(
      auditOnnxModel({
        model: file("target.onnx"),
        members: file("members.csv"),
        nonMembers: file("other.csv"),
        target: "label",
      }),
      (error: unknown) => {
        assert.ok(error instanceof MembershipAuditError);
        assert.match(
          error.message,
          /different columns \(only in members\.csv: "f2", "f3", .*"f15"; only in other\.csv: "extra"\)/,
        );
        return true;
      },
    );
  });

  it("rejects a missing label column", async () => {
    await assert.rejects(
      auditOnnxModel({
        model: file("target.onnx"),
        members: file("members.csv"),
        nonMembers: file("non-members.csv"),
        target: "species",
      }),
      /no label column "species" in members\.csv or non-members\.csv; their columns are "f0", /,
    );
  });

  it("rejects data that does not fit the model's input", async () => {
    const narrow = {
      ...members,
      featureNames: FEATURES.slice(0, 4),
      x: members.x.slice(0, MEMBERS * 4),
      name: "narrow",
    };
    const narrowNon = { ...narrow, name: "narrow-non" };
    const model = await openOnnxModel(file("target.onnx"));
    try {
      await assert.rejects(
        auditMembership({ target: onnxPredictor(model), members: narrow, nonMembers: narrowNon }),
        /target\.onnx reads the features "f0", .* but narrow has "f0", "f1", "f2", "f3"; missing: "f4", /,
      );
      await assert.rejects(
        auditMembership({
          target: { ...onnxPredictor(model), featureNames: undefined },
          members: narrow,
          nonMembers: narrowNon,
        }),
        /target\.onnx expects 16 features per row but narrow has 4/,
      );
    } finally {
      await model.close();
    }
  });

  it("rejects empty sets and labels the model does not know", async () => {
    await writeFile(file("empty.csv"), `${[...FEATURES, "label"].join(",")}\n`);
    await assert.rejects(
      auditOnnxModel({
        model: file("target.onnx"),
        members: file("members.csv"),
        nonMembers: file("empty.csv"),
        target: "label",
      }),
      /non-members file .*empty\.csv: "empty" has a header but no data rows/,
    );
    const model = await openOnnxModel(file("target.onnx"));
    try {
      await assert.rejects(
        auditMembership({
          target: onnxPredictor(model),
          members,
          nonMembers: rowsOf(nonMembers, 0, 0, "none"),
        }),
        /the non-members set \(none\) has no rows/,
      );
      await assert.rejects(
        auditMembership({
          target: onnxPredictor(model),
          members: { ...members, classes: ["a", "b", "z"] },
          nonMembers: { ...nonMembers, classes: ["a", "b", "z"] },
        }),
        /members: label "z" in column "label" is not a class of target\.onnx \(its classes are "a", "b", "c"\)/,
      );
    } finally {
      await model.close();
    }
  });

  it("takes in-memory reference predictors", async () => {
    const model = await openOnnxModel(file("target.onnx"));
    const reference = await openOnnxModel(file("ref-0.onnx"));
    try {
      const target = onnxPredictor(model);
      const ref = onnxPredictor(reference);
      // A plain function of rows, as a trainer's model.predict is.
      const result = await auditMembership({
        target,
        members,
        nonMembers,
        references: [
          {
            task: "classification",
            classes: ref.classes,
            predict: (x, rows) => ref.predict(x, rows),
          },
        ],
      });
      assert.ok(result.calibrated.ran && result.calibrated.auc > result.lossThreshold.auc);
    } finally {
      await model.close();
      await reference.close();
    }
  });
});

describe("per-example losses", () => {
  it("scores a regressor by squared error", async () => {
    const losses = await exampleLosses(
      { task: "regression", classes: [], predict: (_x, rows) => new Float64Array(rows).fill(1.5) },
      {
        name: "prices",
        task: "regression",
        featureNames: ["rooms"],
        targetName: "price",
        x: Float64Array.from([1, 2, 3]),
        y: Float64Array.from([1, 2, 4.5]),
        classes: [],
      },
    );
    assert.deepEqual(Array.from(losses), [0.25, 0.25, 9]);
  });

  it("refuses a classifier audited on a regression target", async () => {
    await assert.rejects(
      exampleLosses(
        {
          name: "clf",
          task: "classification",
          classes: ["a", "b"],
          predict: () => new Float64Array(2),
        },
        {
          name: "prices",
          task: "regression",
          featureNames: ["rooms"],
          targetName: "price",
          x: Float64Array.from([1]),
          y: Float64Array.from([1]),
          classes: [],
        },
      ),
      /clf is a classification model but prices has a regression target "price"/,
    );
  });
});
