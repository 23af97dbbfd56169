import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random/seeded.js";

function uniform(n: number, limit: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = (2 * rng.next() - 1) * limit;
  }
  return out;
}

function normal(rng: Rng): number {
  // Box–Muller; 1 − next() lies in (0, 1], so the log is finite.
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** A `rows × cols` (rows <= cols) matrix with orthonormal rows, Keras's `Orthogonal`. */
function orthogonal(rows: number, cols: number, rng: Rng): Float32Array {
  const basis: Float64Array[] = [];
  for (let r = 0; r < rows; r++) {
    const v = new Float64Array(cols);
    for (let c = 0; c < cols; c++) {
      v[c] = normal(rng);
    }
    // Modified Gram–Schmidt, twice, keeps the rows orthogonal to float32 precision.
    for (let pass = 0; pass < 2; pass++) {
      for (const u of basis) {
        let dot = 0;
        for (let c = 0; c < cols; c++) {
          dot += (u[c] ?? 0) * (v[c] ?? 0);
        }
        for (let c = 0; c < cols; c++) {
          v[c] = (v[c] ?? 0) - dot * (u[c] ?? 0);
        }
      }
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((value) => value / norm));
  }
  const out = new Float32Array(rows * cols);
  basis.forEach((v, r) => {
    out.set(v, r * cols);
  });
  return out;
}

/**
 * Replaces every weight of `model` with values drawn from `rng`, with the Keras
 * defaults: Glorot-uniform kernels, orthogonal recurrent kernels, uniform(±0.05)
 * embeddings, zero biases and an LSTM forget-gate bias of 1 (Jozefowicz et al.,
 * 2015). tfjs's own initialisers draw from a global generator, so a seed would
 * not reach them all.
 */
export function initWeights(model: tf.LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    const isLstm = layer.getClassName() === "LSTM";
    const values = layer.weights.map((w) =>
      initialValue(
        w.originalName,
        w.shape.map((d) => d ?? 0),
        isLstm,
        rng,
      ),
    );
    layer.setWeights(values);
    tf.dispose(values);
  }
}

function initialValue(name: string, shape: number[], isLstm: boolean, rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (name.endsWith("recurrent_kernel") && shape.length === 2) {
    const [units = 0, gates = 0] = shape;
    return tf.tensor(orthogonal(units, gates, rng), shape);
  }
  if (name.endsWith("kernel") && shape.length === 2) {
    const [fanIn = 0, fanOut = 0] = shape;
    return tf.tensor(uniform(size, Math.sqrt(6 / (fanIn + fanOut)), rng), shape);
  }
  if (name.endsWith("embeddings")) {
    return tf.tensor(uniform(size, 0.05, rng), shape);
  }
  if (name.endsWith("bias")) {
    const bias = new Float32Array(size);
    if (isLstm) {
      // Gate order is input, forget, cell, output.
      bias.fill(1, size / 4, size / 2);
    }
    return tf.tensor(bias, shape);
  }
  throw new Error(`no seeded initialiser for weight "${name}"`);
}
