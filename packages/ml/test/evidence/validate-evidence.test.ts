import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  EVIDENCE_KIND_NAMES,
  EVIDENCE_KINDS,
  EvidenceSchema,
  PRIVACY_ASSESSMENTS,
  evidenceJsonSchema,
  validateEvidence,
  type EvidenceError,
} from "../../src/evidence/index.js";
import { VALID_EXAMPLES, without } from "./evidence-examples.js";

function errorsOf(json: unknown): readonly EvidenceError[] {
  const verdict = validateEvidence(json);
  if (verdict.ok) {
    assert.fail("expected the report to be refused");
  }
  return verdict.errors;
}

const pathsOf = (errors: readonly EvidenceError[]) => errors.map((e) => e.path).sort();

/** Per kind, two body fields to remove; both must be reported. */
const TWO_BODY_FIELDS: Record<(typeof EVIDENCE_KIND_NAMES)[number], [string, string]> = {
  evaluation: ["dataset", "metrics"],
  privacy: ["epsilon", "delta"],
  fairness: ["groups", "threshold"],
  "security-scan": ["scanner", "findings"],
  "red-team": ["team", "period"],
  "licence-review": ["reviewer", "conclusion"],
  "ethics-review": ["conclusion", "notes"],
  "capability-report": ["thresholds", "requiredAsl"],
};

describe("validateEvidence", () => {
  it("has a valid example for every kind in the catalogue", () => {
    assert.deepEqual(Object.keys(VALID_EXAMPLES).sort(), [...EVIDENCE_KIND_NAMES].sort());
    assert.deepEqual(EVIDENCE_KIND_NAMES, [
      "evaluation",
      "privacy",
      "fairness",
      "security-scan",
      "red-team",
      "licence-review",
      "ethics-review",
      "capability-report",
    ]);
  });

  for (const kind of EVIDENCE_KIND_NAMES) {
    it(`accepts a valid ${kind} report and returns it typed`, () => {
      const verdict = validateEvidence(VALID_EXAMPLES[kind]);
      assert.deepEqual(verdict, { ok: true, evidence: VALID_EXAMPLES[kind] });
    });

    it(`lists both missing fields of a report of kind ${kind}, each at its own path`, () => {
      const [a, b] = TWO_BODY_FIELDS[kind];
      const errors = errorsOf(without(VALID_EXAMPLES[kind], a, b));
      assert.deepEqual(pathsOf(errors), [`/${a}`, `/${b}`].sort());
      for (const e of errors) {
        assert.match(e.message, /^missing: add `\w+` \(.+\)$/, e.message);
      }
    });

    it(`lists every envelope error of a report of kind ${kind}`, () => {
      const errors = errorsOf({
        ...without(VALID_EXAMPLES[kind], "summary"),
        createdAt: "yesterday",
        passed: "yes",
        producer: { name: "" },
      });
      assert.deepEqual(pathsOf(errors), [
        "/createdAt",
        "/passed",
        "/producer/name",
        "/producer/version",
        "/summary",
      ]);
    });
  }

  it("refuses a subject digest that is not 64 lowercase hex digits, saying so", () => {
    for (const sha256 of ["ABC", "3F".repeat(32), "3f".repeat(31), `${"3f".repeat(31)}zz`]) {
      const errors = errorsOf({ ...VALID_EXAMPLES.evaluation, subject: { sha256 } });
      assert.deepEqual(
        errors.map((e) => e.path),
        ["/subject/sha256"],
      );
      assert.match(errors[0]?.message ?? "", /must be 64 lowercase hex digits/);
    }
    assert.deepEqual(pathsOf(errorsOf({ ...VALID_EXAMPLES.evaluation, subject: {} })), [
      "/subject/sha256",
    ]);
  });

  it("names the known kinds when the kind is unknown or missing", () => {
    const unknown = errorsOf({ ...VALID_EXAMPLES.evaluation, kind: "vibes-check" });
    assert.deepEqual(
      unknown.map((e) => e.path),
      ["/kind"],
    );
    const message = unknown.map((e) => e.message).join("");
    assert.match(message, /unknown kind "vibes-check"/);
    for (const kind of EVIDENCE_KIND_NAMES) {
      assert.ok(message.includes(kind), `${kind} is named`);
    }
    const missing = errorsOf(without(VALID_EXAMPLES.evaluation, "kind"));
    assert.deepEqual(
      missing.map((e) => e.path),
      ["/kind"],
    );
    assert.match(missing[0]?.message ?? "", /missing: add `kind`, one of evaluation, privacy/);
  });

  it("refuses what is not an object", () => {
    for (const json of [null, 3, "evidence", [VALID_EXAMPLES.evaluation]]) {
      assert.deepEqual(
        errorsOf(json).map((e) => e.path),
        [""],
      );
    }
  });

  it("names the known privacy assessments, and still lists the envelope's errors", () => {
    const errors = errorsOf({
      ...VALID_EXAMPLES.privacy,
      assessment: "vibes",
      schemaVersion: 1,
    });
    assert.deepEqual(pathsOf(errors), ["/assessment", "/schemaVersion"]);
    const assessment = errors.find((e) => e.path === "/assessment");
    for (const name of Object.keys(PRIVACY_ASSESSMENTS)) {
      assert.ok(assessment?.message.includes(name), `${name} is named`);
    }
    assert.match(errors.find((e) => e.path === "/schemaVersion")?.message ?? "", /must be 2/);
  });

  it("checks a privacy report against the assessment it names only", () => {
    const errors = errorsOf({
      ...without(VALID_EXAMPLES.privacy, "epsilon", "delta", "mechanism", "steps"),
      assessment: "k-anonymity",
      quasiIdentifiers: ["age", "zip"],
      requestedK: 5,
      k: 3,
    });
    assert.deepEqual(pathsOf(errors), ["/satisfiesK"]);
  });

  it("reports wrong values deep in the body with their paths and allowed values", () => {
    const errors = errorsOf({
      ...VALID_EXAMPLES["red-team"],
      findings: [{ severity: "catastrophic", title: "" }],
      period: { start: "2025-04-01", end: "2025-04-14T00:00:00Z" },
    });
    assert.deepEqual(pathsOf(errors), [
      "/findings/0/severity",
      "/findings/0/title",
      "/period/start",
    ]);
    assert.match(
      errors.find((e) => e.path === "/findings/0/severity")?.message ?? "",
      /must be one of "info", "low", "medium", "high", "critical"/,
    );
  });

  it("lets a report carry fields its schema does not name", () => {
    const verdict = validateEvidence({ ...VALID_EXAMPLES.evaluation, perClass: [] });
    assert.equal(verdict.ok, true);
  });

  it("exports one JSON Schema per kind and one for any report", () => {
    for (const kind of EVIDENCE_KIND_NAMES) {
      const schema = evidenceJsonSchema(kind);
      assert.equal(schema, EVIDENCE_KINDS[kind].schema);
      assert.ok(EVIDENCE_KINDS[kind].meaning.length > 0);
      // Plain JSON: what the hub serves is what validates.
      assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema);
    }
    assert.equal((EvidenceSchema as { oneOf?: unknown[] }).oneOf?.length, 8);
  });
});
