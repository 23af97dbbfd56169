import { PII_TYPES, type PiiType } from "./pii-types.js";

/** Precision and recall of one type. */
export interface TypeScore {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** TP / (TP + FP); 1 when nothing was reported. */
  readonly precision: number;
  /** TP / (TP + FN); 1 when there was nothing to find. */
  readonly recall: number;
}

type Span = { readonly type: PiiType; readonly start: number; readonly end: number };

/**
 * Scores findings against labelled spans, per type. A finding counts as a true
 * positive only if a labelled span has the same type, start and end; anything
 * else it reports is a false positive, and every labelled span it misses a false
 * negative.
 */
export function evaluateDetection(
  found: readonly Span[],
  truth: readonly Span[],
): Record<PiiType, TypeScore> {
  const key = (s: Span): string => `${s.type}:${s.start}:${s.end}`;
  const expected = new Set(truth.map(key));
  const tp = new Map<PiiType, number>();
  const fp = new Map<PiiType, number>();
  const total = new Map<PiiType, number>();
  for (const s of truth) {
    total.set(s.type, (total.get(s.type) ?? 0) + 1);
  }
  for (const f of found) {
    const counts = expected.has(key(f)) ? tp : fp;
    counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
  }
  const out = {} as Record<PiiType, TypeScore>;
  for (const type of PII_TYPES) {
    const t = tp.get(type) ?? 0;
    const p = fp.get(type) ?? 0;
    const n = (total.get(type) ?? 0) - t;
    out[type] = {
      truePositives: t,
      falsePositives: p,
      falseNegatives: n,
      precision: t + p === 0 ? 1 : t / (t + p),
      recall: t + n === 0 ? 1 : t / (t + n),
    };
  }
  return out;
}
