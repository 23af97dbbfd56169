import * as tf from "@tensorflow/tfjs";

/** Adam whose rate a schedule sets before each step; tfjs keeps the rate protected. */
export class ScheduledAdam extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.95, 1e-8);
  }

  setRate(rate: number): void {
    this.learningRate = rate;
  }
}

/** A run's rate schedule: its peak rate, warm-up and length in steps. */
export interface RateSchedule {
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly steps: number;
}

/** Rate at `step` (0-based): linear warm-up, then a cosine down to a tenth of the peak. */
export function learningRateAt(step: number, schedule: RateSchedule): number {
  const { learningRate, warmupSteps, steps } = schedule;
  if (step < warmupSteps) {
    return (learningRate * (step + 1)) / warmupSteps;
  }
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, steps - warmupSteps));
  return learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/**
 * One step of `optimizer` on `variables`: the gradients of `loss`, scaled
 * down to the global norm `clipNorm` when above it, applied. Returns the loss
 * before the step. Call inside `tf.tidy`.
 */
export function clippedStep(
  optimizer: ScheduledAdam,
  variables: tf.Variable[],
  loss: () => tf.Scalar,
  clipNorm: number,
): tf.Scalar {
  const { value, grads } = tf.variableGrads(loss, variables);
  const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => g.square().sum())));
  const scale = tf.minimum(1, tf.div(clipNorm, norm.add(1e-6)));
  optimizer.applyGradients(
    Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, g.mul(scale)])),
  );
  return value;
}
