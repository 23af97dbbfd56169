// A wide MLP classifier exported by the toolkit, for benches that need a model whose run
// costs milliseconds (a mid-sized dense model) rather than the Iris MLP's microseconds.

/** Features of every row the model reads. */
export const WIDE_FEATURES = 16;

/**
 * ONNX bytes from `ml.exportOnnx` (the built @gatehouse/ml): `features` FP32 [N, 16], `hidden`
 * ReLU layers of `width` units with seeded random He-scaled weights, a softmax over 3 classes.
 */
export function wideMlpBytes(ml, { width, hidden, seed = 7 }) {
  const rng = ml.createRng(seed);
  const layer = (inputs, outputs, activation) => {
    const scale = Math.sqrt(2 / inputs);
    return {
      inputSize: inputs,
      outputSize: outputs,
      weights: Float32Array.from({ length: inputs * outputs }, () => (rng.next() * 2 - 1) * scale),
      bias: new Float32Array(outputs),
      activation,
    };
  };
  const layers = [layer(WIDE_FEATURES, width, "relu")];
  for (let i = 1; i < hidden; i++) {
    layers.push(layer(width, width, "relu"));
  }
  layers.push(layer(width, 3, "softmax"));
  return ml.exportOnnx({
    kind: "mlp",
    layers,
    preprocessing: { featureNames: Array.from({ length: WIDE_FEATURES }, (_, i) => `f${i}`) },
    classes: ["a", "b", "c"],
    metadata: { licence: "apache-2.0", producerVersion: "0.1.0" },
  });
}
