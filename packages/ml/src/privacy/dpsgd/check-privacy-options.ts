import { PrivacyParameterError } from "../mechanisms/index.js";

/** Throws unless the clipping norm C is a finite number > 0. */
export function checkClipNorm(clipNorm: number): void {
  if (!Number.isFinite(clipNorm) || clipNorm <= 0) {
    throw new PrivacyParameterError(
      "clipNorm",
      `clipNorm (the per-example gradient norm bound C) must be a finite number > 0, e.g. 1, got ${String(clipNorm)}`,
    );
  }
}

/** Throws unless the noise multiplier σ is a finite number > 0. */
export function checkNoiseMultiplier(sigma: number): void {
  if (!Number.isFinite(sigma) || sigma <= 0) {
    throw new PrivacyParameterError(
      "noiseMultiplier",
      `noiseMultiplier (noise standard deviation over the clipping norm) must be a finite number > 0, got ${String(sigma)}; omit it to calibrate it from targetEpsilon`,
    );
  }
}

/** Throws unless the Poisson sampling rate lies in (0, 1]. */
export function checkSampleRate(q: number, how: string): void {
  if (!Number.isFinite(q) || q <= 0 || q > 1) {
    throw new PrivacyParameterError(
      "sampleRate",
      `the sampling rate q must lie in (0, 1], got ${String(q)} (${how})`,
    );
  }
}
