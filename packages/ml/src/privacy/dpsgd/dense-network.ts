import * as tf from "@tensorflow/tfjs";
import type { DenseLayer } from "../../train/index.js";
import type { Rng } from "../../random/seeded.js";

/** Activations a hidden layer of a DP-SGD network may use. */
export type HiddenActivation = "relu" | "sigmoid" | "linear";

/** One dense layer's parameters as tensors; the last layer of a network is softmax. */
export interface DenseParams {
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
  readonly activation: HiddenActivation | "softmax";
}

/** A forward pass: the input each layer saw, its pre-activation, and the logits. */
export interface ForwardPass {
  readonly inputs: readonly tf.Tensor2D[];
  readonly preActivations: readonly tf.Tensor2D[];
  readonly logits: tf.Tensor2D;
}

/** Trainable parameters of an MLP, held in tfjs variables. */
export interface DenseNetwork {
  readonly params: readonly (DenseParams & {
    readonly kernel: tf.Variable<tf.Rank.R2>;
    readonly bias: tf.Variable<tf.Rank.R1>;
  })[];
  dispose(): void;
}

let networkCount = 0;

/**
 * An MLP `sizes[0] → … → sizes.at(-1)` with `hidden` activations and a softmax
 * output, initialised like Keras's Dense defaults (Glorot-uniform kernels, zero
 * biases) from `rng`. The initial weights do not depend on the data, so drawing
 * them from a seeded generator costs no privacy.
 */
export function createDenseNetwork(
  sizes: readonly number[],
  hidden: HiddenActivation,
  rng: Rng,
): DenseNetwork {
  // tfjs registers variables by name for its optimisers; each network gets its own names.
  networkCount += 1;
  const params = sizes.slice(1).map((outputSize, l) => {
    const inputSize = sizes[l] ?? 0;
    const limit = Math.sqrt(6 / (inputSize + outputSize));
    const w = Float32Array.from(
      { length: inputSize * outputSize },
      () => (2 * rng.next() - 1) * limit,
    );
    return {
      kernel: tf.variable(
        tf.tensor2d(w, [inputSize, outputSize]),
        true,
        `dpsgd_${networkCount}_kernel_${l}`,
      ),
      bias: tf.variable(
        tf.zeros<tf.Rank.R1>([outputSize]),
        true,
        `dpsgd_${networkCount}_bias_${l}`,
      ),
      activation: l === sizes.length - 2 ? ("softmax" as const) : hidden,
    };
  });
  return {
    params,
    dispose: () => {
      for (const p of params) {
        p.kernel.dispose();
        p.bias.dispose();
      }
    },
  };
}

function activate(z: tf.Tensor2D, activation: HiddenActivation): tf.Tensor2D {
  switch (activation) {
    case "relu":
      return tf.relu(z);
    case "sigmoid":
      return tf.sigmoid(z);
    case "linear":
      return z;
  }
}

/** Runs the network on a batch `x` (rows × features), keeping what backpropagation needs. */
export function forwardPass(params: readonly DenseParams[], x: tf.Tensor2D): ForwardPass {
  const inputs: tf.Tensor2D[] = [];
  const preActivations: tf.Tensor2D[] = [];
  let a = x;
  let logits = x;
  params.forEach((p) => {
    inputs.push(a);
    const z = tf.add<tf.Tensor2D>(tf.matMul(a, p.kernel), p.bias);
    preActivations.push(z);
    if (p.activation === "softmax") {
      logits = z;
    } else {
      a = activate(z, p.activation);
    }
  });
  return { inputs, preActivations, logits };
}

/** The per-example cross-entropy of softmax `logits` against one-hot `targets`. */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor1D {
  return tf.neg(tf.sum<tf.Tensor1D>(tf.mul(targets, tf.logSoftmax(logits)), 1));
}

function activationDerivative(z: tf.Tensor2D, activation: HiddenActivation): tf.Tensor2D | null {
  switch (activation) {
    case "relu":
      return tf.step(z);
    case "sigmoid": {
      const s = tf.sigmoid(z);
      return tf.mul<tf.Tensor2D>(s, tf.sub(1, s));
    }
    case "linear":
      return null;
  }
}

/**
 * The gradient of each example's own cross-entropy with respect to every layer's
 * pre-activation (`∂ℓ_i / ∂z_l`, rows × units per layer), by backpropagation.
 * Since the loss of a batch is the sum of the examples' losses, row i of these
 * is example i's gradient alone: the per-example weight gradients follow as
 * `inputs[l]ᵢᵀ · grads[l]ᵢ` without computing them.
 */
export function outputGradients(
  params: readonly DenseParams[],
  pass: ForwardPass,
  targets: tf.Tensor2D,
): tf.Tensor2D[] {
  const grads: tf.Tensor2D[] = new Array<tf.Tensor2D>(params.length);
  let g = tf.sub<tf.Tensor2D>(tf.softmax(pass.logits), targets);
  for (let l = params.length - 1; l >= 0; l--) {
    grads[l] = g;
    const p = params[l];
    const below = params[l - 1];
    const z = pass.preActivations[l - 1];
    if (l === 0 || p === undefined || below === undefined || z === undefined) {
      break;
    }
    const back: tf.Tensor2D = tf.matMul(g, p.kernel, false, true);
    const derivative = activationDerivative(
      z,
      below.activation === "softmax" ? "linear" : below.activation,
    );
    g = derivative === null ? back : tf.mul<tf.Tensor2D>(back, derivative);
  }
  return grads;
}

/** Tensors of plain dense layers, the last of which must be softmax. */
export function paramsOf(layers: readonly DenseLayer[]): DenseParams[] {
  return layers.map((layer, l) => {
    if (l === layers.length - 1 ? layer.activation !== "softmax" : layer.activation === "softmax") {
      throw new RangeError(
        `layer ${l} has activation "${layer.activation}": only the last layer is softmax, and it must be`,
      );
    }
    if (layer.weights.length !== layer.inputSize * layer.outputSize) {
      throw new RangeError(
        `layer ${l} has ${layer.weights.length} weights, not inputSize × outputSize = ${layer.inputSize * layer.outputSize}`,
      );
    }
    if (layer.bias.length !== layer.outputSize) {
      throw new RangeError(
        `layer ${l} has ${layer.bias.length} biases, not outputSize = ${layer.outputSize}`,
      );
    }
    const prev = layers[l - 1];
    if (prev !== undefined && prev.outputSize !== layer.inputSize) {
      throw new RangeError(
        `layer ${l} takes ${layer.inputSize} inputs but layer ${l - 1} gives ${prev.outputSize}`,
      );
    }
    return {
      kernel: tf.tensor2d(layer.weights, [layer.inputSize, layer.outputSize]),
      bias: tf.tensor1d(layer.bias),
      activation: layer.activation,
    };
  });
}

/** The network's weights as plain arrays, input layer first. */
export function denseLayersOf(params: readonly DenseParams[]): DenseLayer[] {
  return params.map((p) => {
    const [inputSize, outputSize] = p.kernel.shape;
    return {
      inputSize,
      outputSize,
      weights: Float32Array.from(p.kernel.dataSync()),
      bias: Float32Array.from(p.bias.dataSync()),
      activation: p.activation,
    };
  });
}
