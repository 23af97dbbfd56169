import * as tf from "@tensorflow/tfjs";
import type { DenseLayer } from "../../train/index.js";
import { useWasmBackend } from "../../train/index.js";
import { forwardPass, outputGradients, paramsOf } from "./dense-network.js";
import { clipFactors, ghostNorms, weightedGradientSum } from "./ghost-clip.js";
import { labelledTensors, type LabelledRows } from "./labelled-rows.js";
import { checkLayers } from "./check-layers.js";
import { checkClipNorm } from "./check-privacy-options.js";

/** One layer's summed gradient as plain arrays, in the layout of `DenseLayer`. */
export interface DenseLayerGradient {
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/**
 * DP-SGD's clipped gradient sum Σᵢ min(1, C / ‖∇ᵢ‖) ∇ᵢ of a dense softmax
 * classifier over the rows of `data`, before noise: per-example norms by the
 * ghost-norm trick, then one matmul per layer, Aᵀ (diag(c) G).
 */
export async function clippedGradientSum(
  layers: readonly DenseLayer[],
  data: LabelledRows,
  clipNorm: number,
): Promise<DenseLayerGradient[]> {
  checkClipNorm(clipNorm);
  const { inputSize, classCount } = checkLayers(layers);
  await useWasmBackend();
  const sums = tf.tidy(() => {
    const params = paramsOf(layers);
    const { x, targets } = labelledTensors(data, inputSize, classCount, "data");
    const pass = forwardPass(params, x);
    const grads = outputGradients(params, pass, targets);
    const factors = clipFactors(ghostNorms(pass.inputs, grads), clipNorm);
    return weightedGradientSum(pass.inputs, grads, factors).map((g) => [g.kernel, g.bias]);
  });
  const out = sums.map(([kernel, bias]) => ({
    weights: Float32Array.from(kernel?.dataSync() ?? []),
    bias: Float32Array.from(bias?.dataSync() ?? []),
  }));
  tf.dispose(sums.flat());
  return out;
}
