import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  PII_TYPES,
  evaluateDetection,
  generatePiiCorpus,
  scanText,
  type HardNegativeKind,
} from "../../src/privacy/index.js";

// Types whose findings are confirmed by a checksum, a range or a parser.
const CHECKED = ["prc_id", "payment_card", "iban", "us_ssn", "ipv4", "ipv6"] as const;

describe("the labelled PII corpus", () => {
  const corpus = generatePiiCorpus({ seed: 20261123, length: 600_000 });
  const findings = scanText(corpus.text);
  const scores = evaluateDetection(findings, corpus.spans);

  it("is the same for the same seed, and its spans point at their values", () => {
    const again = generatePiiCorpus({ seed: 20261123, length: 600_000 });
    assert.equal(again.text, corpus.text);
    assert.notEqual(
      generatePiiCorpus({ seed: 1, length: 10_000 }).text,
      corpus.text.slice(0, 10_000),
    );
    for (const s of [...corpus.spans, ...corpus.negatives]) {
      assert.equal(corpus.text.slice(s.start, s.end), s.text);
    }
  });

  it("plants every type and every kind of look-alike many times", () => {
    for (const type of PII_TYPES) {
      assert.ok(corpus.spans.filter((s) => s.type === type).length >= 500, type);
    }
    const kinds = new Set(corpus.negatives.map((n) => n.kind));
    assert.equal(kinds.size, 12);
  });

  it("finds the checksummed types with precision and recall of at least 0.99", () => {
    for (const type of CHECKED) {
      const s = scores[type];
      assert.ok(s.precision >= 0.99, `${type} precision ${s.precision}`);
      assert.ok(s.recall >= 0.99, `${type} recall ${s.recall}`);
    }
  });

  it("finds e-mail, phones and labelled dates of birth with precision and recall of at least 0.98", () => {
    for (const type of ["email", "phone", "date_of_birth"] as const) {
      const s = scores[type];
      assert.ok(s.precision >= 0.98, `${type} precision ${s.precision}`);
      assert.ok(s.recall >= 0.98, `${type} recall ${s.recall}`);
    }
  });

  it("reports none of the look-alikes that fail a checksum or a range", () => {
    const flagged = new Map<HardNegativeKind, number>();
    let i = 0;
    for (const n of corpus.negatives) {
      while (i < findings.length && (findings[i]?.end ?? 0) <= n.start) {
        i++;
      }
      const f = findings[i];
      if (f !== undefined && f.start < n.end) {
        flagged.set(n.kind, (flagged.get(n.kind) ?? 0) + 1);
      }
    }
    assert.deepEqual([...flagged.entries()], []);
  });
});
