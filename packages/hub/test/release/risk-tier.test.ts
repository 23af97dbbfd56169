import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  effectiveRiskTier,
  parseTrainingComputeFlops,
  type ParsedFlops,
} from "../../src/release/risk-tier.js";
import { isUpward, stageRank } from "../../src/stages/index.js";

describe("effectiveRiskTier", () => {
  it("is minimal when nothing is declared, reviewed or implied", () => {
    assert.equal(
      effectiveRiskTier({ declared: null, reviewed: null, trainingComputeFlops: null }),
      "minimal",
    );
  });

  it("takes the highest of the declared and reviewed tiers", () => {
    assert.equal(
      effectiveRiskTier({ declared: "high", reviewed: "limited", trainingComputeFlops: null }),
      "high",
    );
    assert.equal(
      effectiveRiskTier({ declared: "limited", reviewed: "high", trainingComputeFlops: null }),
      "high",
    );
  });

  it("is systemic from 1e25 training FLOPs and not just below", () => {
    assert.equal(
      effectiveRiskTier({ declared: "limited", reviewed: null, trainingComputeFlops: 1e25 }),
      "systemic",
    );
    assert.equal(
      effectiveRiskTier({ declared: "limited", reviewed: null, trainingComputeFlops: 9.99e24 }),
      "limited",
    );
  });
});

const errorOf = (parsed: ParsedFlops): string => (parsed.ok ? "no error" : parsed.message);

describe("parseTrainingComputeFlops", () => {
  it("reads numbers and numeric strings", () => {
    assert.deepEqual(parseTrainingComputeFlops(3.8e25), { ok: true, flops: 3.8e25 });
    assert.deepEqual(parseTrainingComputeFlops("3.8e25"), { ok: true, flops: 3.8e25 });
    assert.deepEqual(parseTrainingComputeFlops(" 1E+25 "), { ok: true, flops: 1e25 });
    assert.deepEqual(parseTrainingComputeFlops(undefined), { ok: true, flops: null });
  });

  it("refuses what is not a non-negative finite number, saying why", () => {
    assert.deepEqual(parseTrainingComputeFlops("lots"), {
      ok: false,
      message:
        'training_compute_flops must be a number of floating-point operations such as 3.8e25, not "lots"',
    });
    assert.match(errorOf(parseTrainingComputeFlops(-1)), /cannot be negative/);
    assert.match(errorOf(parseTrainingComputeFlops("1e999")), /finite/);
    assert.match(errorOf(parseTrainingComputeFlops([1])), /not a list/);
  });
});

describe("stage order", () => {
  it("ranks the ladder and leaves withdrawn off it", () => {
    assert.deepEqual(
      [stageRank("private"), stageRank("open"), stageRank("withdrawn")],
      [0, 5, null],
    );
  });

  it("counts climbs and restores from withdrawn as upward, and restrictions not", () => {
    assert.equal(isUpward("internal", "open"), true);
    assert.equal(isUpward("withdrawn", "staged"), true);
    assert.equal(isUpward("open", "api"), false);
    assert.equal(isUpward("open", "withdrawn"), false);
    assert.equal(isUpward("staged", "staged"), false);
  });
});
