import { readFileSync } from "node:fs";

export interface TfidfGolden {
  options: { max_features?: number; min_df?: number };
  train: string[];
  test: string[];
  vocabulary: string[];
  idf: number[];
  trainMatrix: number[][];
  testMatrix: number[][];
}

/** Reference values written by scripts/data-golden.py with scikit-learn. */
export interface Golden {
  sklearnVersion: string;
  standardScaler: Record<
    string,
    { mean: number[]; var: number[]; scale: number[]; transformed: number[][] }
  >;
  minMaxScaler: Record<
    string,
    {
      dataMin: number[];
      dataMax: number[];
      scale: number[];
      min: number[];
      transformed: number[][];
    }
  >;
  small: { x: number[][]; new: number[][] };
  tfidf: TfidfGolden;
  tfidfLimited: TfidfGolden[];
  tfidfRealMail: {
    files: string[];
    vocabulary: string[];
    idf: number[];
    testRows: { indices: number[]; values: number[] }[];
  };
  stratified: {
    classSizes: number[];
    testSize: number;
    outcomes: { train: number[]; test: number[] }[];
  }[];
}

export const golden = JSON.parse(
  readFileSync(new URL("./data-golden.json", import.meta.url), "utf8"),
) as Golden;

/** Asserts two numeric arrays agree elementwise within a relative+absolute tolerance. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  tol = 1e-12,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length} differs from expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] ?? Number.NaN;
    const e = expected[i] ?? Number.NaN;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
      throw new Error(`element ${i}: ${a} differs from expected ${e}`);
    }
  }
}
