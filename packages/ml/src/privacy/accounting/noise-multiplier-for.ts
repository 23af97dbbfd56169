import { PrivacyParameterError, checkDelta, checkEpsilon } from "../mechanisms/index.js";
import { privacySpent } from "./privacy-spent.js";
import { checkSampleRate, checkSteps } from "./validate.js";

/** The largest noise multiplier the search tries before giving up (Opacus's MAX_SIGMA). */
export const MAX_NOISE_MULTIPLIER = 1e6;

/** What {@link noiseMultiplierFor} needs: the target and the length of training. */
export interface NoiseMultiplierOptions {
  /** Target ε, > 0. */
  readonly targetEpsilon: number;
  /** Target δ, in (0, 1). */
  readonly delta: number;
  /** Poisson sampling rate q, in (0, 1]. */
  readonly sampleRate: number;
  /** Number of steps; give this or `epochs`. */
  readonly steps?: number;
  /** Number of epochs; steps = trunc(epochs / sampleRate) as in Opacus. */
  readonly epochs?: number;
  /** How far below the target the returned ε may be (default 0.01, Opacus's). */
  readonly epsilonTolerance?: number;
  /** Rényi orders to optimise over (default: Opacus's). */
  readonly orders?: readonly number[];
}

/** The noise multiplier found and the ε it gives. */
export interface NoiseMultiplierResult {
  readonly noiseMultiplier: number;
  /** The ε the returned noise multiplier spends: at most the target, within the tolerance. */
  readonly epsilon: number;
  readonly steps: number;
}

/**
 * The noise multiplier that spends at most `targetEpsilon` over the training, as
 * Opacus's `get_noise_multiplier` finds it: double σ from 10 until ε falls below
 * the target, then bisect until ε is within `epsilonTolerance` below it. The
 * returned σ never overshoots the target.
 *
 * @example
 * noiseMultiplierFor({ targetEpsilon: 8, delta: 1e-5, sampleRate: 0.04, epochs: 90 })
 *   .noiseMultiplier; // ≈ 1.416
 */
export function noiseMultiplierFor(options: NoiseMultiplierOptions): NoiseMultiplierResult {
  const { targetEpsilon, delta, sampleRate } = options;
  checkEpsilon(targetEpsilon, "targetEpsilon");
  checkDelta(delta);
  checkSampleRate(sampleRate);
  const tolerance = options.epsilonTolerance ?? 0.01;
  checkEpsilon(tolerance, "epsilonTolerance");
  if ((options.steps === undefined) === (options.epochs === undefined)) {
    throw new PrivacyParameterError("steps", "give either steps or epochs, not both nor neither");
  }
  let steps: number;
  if (options.epochs !== undefined) {
    if (!Number.isFinite(options.epochs) || options.epochs <= 0) {
      throw new PrivacyParameterError(
        "epochs",
        `epochs must be a number > 0, got ${String(options.epochs)}`,
      );
    }
    steps = Math.trunc(options.epochs / sampleRate);
  } else {
    steps = options.steps ?? 0;
  }
  checkSteps(steps);
  if (steps < 1) {
    throw new PrivacyParameterError("steps", `training must take at least 1 step, got ${steps}`);
  }
  const epsilonAt = (sigma: number): number =>
    privacySpent({
      history: [{ noiseMultiplier: sigma, sampleRate, steps }],
      delta,
      ...(options.orders === undefined ? {} : { orders: options.orders }),
    }).epsilon;

  let sigmaLow = 0;
  let sigmaHigh = 10;
  let epsHigh = Number.POSITIVE_INFINITY;
  while (epsHigh > targetEpsilon) {
    sigmaHigh *= 2;
    epsHigh = epsilonAt(sigmaHigh);
    if (sigmaHigh > MAX_NOISE_MULTIPLIER) {
      throw new PrivacyParameterError(
        "targetEpsilon",
        `targetEpsilon ${targetEpsilon} cannot be reached at delta ${delta} with ${steps} steps at sample rate ${sampleRate}: even noise multiplier ${MAX_NOISE_MULTIPLIER} spends more; raise epsilon or delta, or train fewer steps`,
      );
    }
  }
  while (targetEpsilon - epsHigh > tolerance) {
    const sigma = (sigmaLow + sigmaHigh) / 2;
    const eps = epsilonAt(sigma);
    if (eps < targetEpsilon) {
      sigmaHigh = sigma;
      epsHigh = eps;
    } else {
      sigmaLow = sigma;
    }
  }
  return { noiseMultiplier: sigmaHigh, epsilon: epsHigh, steps };
}
