import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random/seeded.js";
import type { GptConfig } from "./gpt-config.js";

/**
 * A decoder's weights by GPT-2's names (`wte`, `h.0.attn.c_attn.weight`, …),
 * with its matrices laid out input × output as GPT-2's Conv1D keeps them.
 */
export type GptWeights = ReadonlyMap<string, tf.Variable>;

/** Every weight's name and shape, in a fixed order: the order checkpoints and exports write. */
export function gptWeightShapes(config: GptConfig): [string, number[]][] {
  const { vocabSize, contextSize, layers, width } = config;
  const shapes: [string, number[]][] = [
    ["wte", [vocabSize, width]],
    ["wpe", [contextSize, width]],
  ];
  for (let i = 0; i < layers; i++) {
    const h = `h.${i}`;
    shapes.push(
      [`${h}.ln_1.weight`, [width]],
      [`${h}.ln_1.bias`, [width]],
      [`${h}.attn.c_attn.weight`, [width, 3 * width]],
      [`${h}.attn.c_attn.bias`, [3 * width]],
      [`${h}.attn.c_proj.weight`, [width, width]],
      [`${h}.attn.c_proj.bias`, [width]],
      [`${h}.ln_2.weight`, [width]],
      [`${h}.ln_2.bias`, [width]],
      [`${h}.mlp.c_fc.weight`, [width, 4 * width]],
      [`${h}.mlp.c_fc.bias`, [4 * width]],
      [`${h}.mlp.c_proj.weight`, [4 * width, width]],
      [`${h}.mlp.c_proj.bias`, [width]],
    );
  }
  shapes.push(["ln_f.weight", [width]], ["ln_f.bias", [width]]);
  return shapes;
}

/** A trainable variable holding `values`; the tensor it is made from is freed. */
function variableOf(values: Float32Array, shape: number[]): tf.Variable {
  const initial = tf.tensor(values, shape);
  const variable = tf.variable(initial, true);
  initial.dispose();
  return variable;
}

/** A standard normal draw (Box–Muller) from the seeded generator. */
function normal(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * GPT-2's initialisation, drawn from `rng` so that a seed repeats a run:
 * N(0, 0.02) matrices and tables, the projections back into the residual
 * stream scaled by 1/√(2 × layers) (Radford et al. 2019, §2.3), layer-norm
 * gains of one, biases of zero.
 */
export function initGptWeights(config: GptConfig, rng: Rng): Map<string, tf.Variable> {
  const weights = new Map<string, tf.Variable>();
  const residualStd = 0.02 / Math.sqrt(2 * config.layers);
  for (const [name, shape] of gptWeightShapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (name.endsWith(".bias")) {
      // zeros
    } else if (name.includes(".ln_") || name.startsWith("ln_f")) {
      values.fill(1);
    } else {
      const std = name.endsWith("c_proj.weight") ? residualStd : 0.02;
      for (let i = 0; i < size; i++) {
        values[i] = normal(rng) * std;
      }
    }
    weights.set(name, variableOf(values, shape));
  }
  return weights;
}

/** Weights from stored values (a checkpoint or an import), checked against the configuration's shapes. */
export function gptWeightsFrom(
  config: GptConfig,
  values: ReadonlyMap<string, Float32Array>,
): Map<string, tf.Variable> {
  const weights = new Map<string, tf.Variable>();
  for (const [name, shape] of gptWeightShapes(config)) {
    const data = values.get(name);
    const size = shape.reduce((a, b) => a * b, 1);
    if (data?.length !== size) {
      throw new RangeError(
        `weight ${name} has ${data?.length ?? 0} values; a model of this configuration needs ${size}`,
      );
    }
    weights.set(name, variableOf(data, shape));
  }
  return weights;
}
