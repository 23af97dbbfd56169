import type { DenseLayer } from "../../train/index.js";

/** The input width and class count of a non-empty stack of dense layers. */
export function checkLayers(layers: readonly DenseLayer[]): {
  inputSize: number;
  classCount: number;
} {
  const first = layers[0];
  const last = layers.at(-1);
  if (first === undefined || last === undefined) {
    throw new RangeError("the network has no layers; give at least the softmax output layer");
  }
  return { inputSize: first.inputSize, classCount: last.outputSize };
}
