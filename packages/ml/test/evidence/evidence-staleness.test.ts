import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_MAX_AGE_DAYS, evidenceStaleness } from "../../src/evidence/index.js";
import { VALID_EXAMPLES, without } from "./evidence-examples.js";

const capability = VALID_EXAMPLES["capability-report"];
const CREATED = Date.parse(capability.createdAt);
const DAY = 24 * 60 * 60 * 1000;
const at = (days: number) => new Date(CREATED + days * DAY);

describe("evidenceStaleness", () => {
  it("is fresh the day it was made at the same compute", () => {
    assert.deepEqual(evidenceStaleness(capability, { now: at(1), trainingComputeFlops: 1e24 }), {
      stale: false,
      reasons: [],
    });
  });

  it("is stale once validUntil has passed, and says until when", () => {
    const report = { ...VALID_EXAMPLES.evaluation, validUntil: "2025-06-01T00:00:00.000Z" };
    const before = evidenceStaleness(report, {
      now: new Date("2025-06-01T00:00:00.000Z"),
      trainingComputeFlops: null,
    });
    assert.equal(before.stale, false);
    const after = evidenceStaleness(report, {
      now: new Date("2025-06-01T00:00:01.000Z"),
      trainingComputeFlops: null,
    });
    assert.equal(after.stale, true);
    assert.deepEqual(after.reasons, [
      "The report was valid until 2025-06-01T00:00:00.000Z and that time has passed.",
    ]);
  });

  it("is stale at exactly 4× the recorded training compute", () => {
    const verdict = evidenceStaleness(capability, { now: at(1), trainingComputeFlops: 4e24 });
    assert.equal(verdict.stale, true);
    assert.equal(verdict.reasons.length, 1);
    assert.match(verdict.reasons[0] ?? "", /is 4× the 1e\+24 FLOPs the report was made for/);
    assert.match(verdict.reasons[0] ?? "", /notably more capable/);
  });

  it("is not stale at 3.99× the recorded training compute", () => {
    const verdict = evidenceStaleness(capability, { now: at(1), trainingComputeFlops: 3.99e24 });
    assert.deepEqual(verdict, { stale: false, reasons: [] });
  });

  it("skips the compute check when either side declares no compute", () => {
    const none = evidenceStaleness(capability, { now: at(1), trainingComputeFlops: null });
    assert.equal(none.stale, false);
    const unrecorded = evidenceStaleness(without(capability, "trainingComputeFlops") as never, {
      now: at(1),
      trainingComputeFlops: 1e30,
    });
    assert.equal(unrecorded.stale, false);
  });

  it("expires a capability report after 183 days, and other kinds never by default", () => {
    assert.equal(DEFAULT_MAX_AGE_DAYS["capability-report"], 183);
    const open = { ...capability, validUntil: undefined };
    assert.equal(
      evidenceStaleness(open, { now: at(183), trainingComputeFlops: null }).stale,
      false,
    );
    const old = evidenceStaleness(open, { now: at(184), trainingComputeFlops: null });
    assert.equal(old.stale, true);
    assert.deepEqual(old.reasons, [
      "The report was made on 2025-05-22T09:00:00.000Z, 184 days ago; a capability-report report must be renewed every 183 days.",
    ]);
    const evaluation = evidenceStaleness(VALID_EXAMPLES.evaluation, {
      now: at(3650),
      trainingComputeFlops: null,
    });
    assert.equal(evaluation.stale, false);
  });

  it("takes age limits per kind, and null lifts a default", () => {
    const open = { ...capability, validUntil: undefined };
    const lifted = evidenceStaleness(open, {
      now: at(400),
      trainingComputeFlops: null,
      maxAgeDays: { "capability-report": null },
    });
    assert.equal(lifted.stale, false);
    const scan = evidenceStaleness(VALID_EXAMPLES["security-scan"], {
      now: at(31),
      trainingComputeFlops: null,
      maxAgeDays: { "security-scan": 30 },
    });
    assert.equal(scan.stale, true);
  });

  it("lists every reason that holds", () => {
    const verdict = evidenceStaleness(capability, { now: at(400), trainingComputeFlops: 1e25 });
    assert.equal(verdict.stale, true);
    assert.equal(verdict.reasons.length, 3);
  });
});
