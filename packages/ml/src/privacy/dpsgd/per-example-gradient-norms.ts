import * as tf from "@tensorflow/tfjs";
import type { DenseLayer } from "../../train/index.js";
import { useWasmBackend } from "../../train/index.js";
import { forwardPass, outputGradients, paramsOf } from "./dense-network.js";
import { ghostNorms } from "./ghost-clip.js";
import { checkLayers } from "./check-layers.js";
import { labelledTensors, type LabelledRows } from "./labelled-rows.js";

/**
 * The L2 norm of each example's gradient of its cross-entropy loss, over all the
 * weights and biases of a dense softmax classifier, computed by the ghost-norm
 * trick that DP-SGD clips with: from each layer's inputs and output gradients,
 * without forming any per-example gradient.
 *
 * @example
 * const norms = await perExampleGradientNorms(model.denseLayers(), { x: test.x, y: test.y });
 */
export async function perExampleGradientNorms(
  layers: readonly DenseLayer[],
  data: LabelledRows,
): Promise<Float64Array> {
  const { inputSize, classCount } = checkLayers(layers);
  await useWasmBackend();
  const norms = tf.tidy(() => {
    const params = paramsOf(layers);
    const { x, targets } = labelledTensors(data, inputSize, classCount, "data");
    const pass = forwardPass(params, x);
    return ghostNorms(pass.inputs, outputGradients(params, pass, targets));
  });
  const out = Float64Array.from(norms.dataSync());
  norms.dispose();
  return out;
}
