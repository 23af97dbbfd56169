import * as tf from "@tensorflow/tfjs";
import type { LayerGradient } from "./ghost-clip.js";
import { standardNormals } from "./standard-normals.js";

/**
 * DP-SGD's update direction: the clipped gradient sum plus N(0, (σC)²) noise on
 * every coordinate, divided by the expected batch size. An empty batch (`sums`
 * null) still gets the noise: the mechanism runs, and is accounted for, every step.
 */
export function noisyGradient(
  sums: readonly LayerGradient[] | null,
  shapes: readonly (readonly [inputSize: number, outputSize: number])[],
  noiseStd: number,
  divisor: number,
  uniform: () => number,
): LayerGradient[] {
  const total = shapes.reduce((n, [i, o]) => n + i * o + o, 0);
  const noise = standardNormals(total, uniform).map((z) => z * noiseStd);
  let offset = 0;
  const take = (length: number): Float32Array => {
    const part = noise.subarray(offset, offset + length);
    offset += length;
    return part;
  };
  return shapes.map(([inputSize, outputSize], l) => {
    const kernelNoise = tf.tensor2d(take(inputSize * outputSize), [inputSize, outputSize]);
    const biasNoise = tf.tensor1d(take(outputSize));
    const sum = sums?.[l];
    const kernel = sum === undefined ? kernelNoise : tf.add<tf.Tensor2D>(sum.kernel, kernelNoise);
    const bias = sum === undefined ? biasNoise : tf.add<tf.Tensor1D>(sum.bias, biasNoise);
    return { kernel: tf.div(kernel, divisor), bias: tf.div(bias, divisor) };
  });
}
