import * as tf from "@tensorflow/tfjs";

/** One layer's gradient: the kernel's (`inputSize × outputSize`) and the bias's. */
export interface LayerGradient {
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
}

/**
 * Per-example gradient L2 norms of a dense network by the ghost-norm trick
 * (Goodfellow 2015, "Efficient Per-Example Gradient Computations"; Li et al.
 * 2022; Bu et al. 2023): for y = a W + b, example i's kernel gradient is the
 * outer product aᵢᵀ gᵢ, whose squared Frobenius norm is ‖aᵢ‖² ‖gᵢ‖², and its bias
 * gradient is gᵢ. Summed over layers this needs only row norms of the layer
 * inputs and output gradients, never a per-example gradient.
 */
export function ghostNorms(
  inputs: readonly tf.Tensor2D[],
  grads: readonly tf.Tensor2D[],
): tf.Tensor1D {
  let squared: tf.Tensor1D | null = null;
  for (const [l, a] of inputs.entries()) {
    const g = grads[l];
    if (g === undefined) {
      throw new Error(`no output gradient for layer ${l}`);
    }
    const inputSq = tf.add<tf.Tensor1D>(tf.sum(tf.square(a), 1), 1);
    const layerSq = tf.mul<tf.Tensor1D>(inputSq, tf.sum(tf.square(g), 1));
    squared = squared === null ? layerSq : tf.add<tf.Tensor1D>(squared, layerSq);
  }
  if (squared === null) {
    throw new Error("the network has no layers");
  }
  return tf.sqrt(squared);
}

/**
 * Opacus's clipping factor per example, min(1, C / (‖gᵢ‖ + 1e-6)): a gradient
 * longer than C is scaled down to C, a shorter one is kept.
 */
export function clipFactors(norms: tf.Tensor1D, clipNorm: number): tf.Tensor1D {
  return tf.minimum<tf.Tensor1D>(tf.div(clipNorm, tf.add(norms, 1e-6)), 1);
}

/**
 * Σᵢ cᵢ ∇ᵢ for every layer in one matmul each: the kernel's is Aᵀ (diag(c) G),
 * the bias's the column sums of diag(c) G.
 */
export function weightedGradientSum(
  inputs: readonly tf.Tensor2D[],
  grads: readonly tf.Tensor2D[],
  factors: tf.Tensor1D | null,
): LayerGradient[] {
  const column = factors === null ? null : tf.reshape(factors, [-1, 1]);
  return inputs.map((a, l) => {
    const g = grads[l];
    if (g === undefined) {
      throw new Error(`no output gradient for layer ${l}`);
    }
    const scaled = column === null ? g : tf.mul<tf.Tensor2D>(g, column);
    return { kernel: tf.matMul(a, scaled, true, false), bias: tf.sum<tf.Tensor1D>(scaled, 0) };
  });
}
