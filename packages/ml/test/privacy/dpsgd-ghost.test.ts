// The ghost norms and the clipped sum are checked against per-example gradients
// materialised the slow way: tf.grads of each example's own loss, one at a time,
// over a loss written here independently of the DP-SGD code.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../../src/random/seeded.js";
import {
  PrivacyParameterError,
  clippedGradientSum,
  perExampleGradientNorms,
} from "../../src/privacy/index.js";
import { useWasmBackend, type Activation, type DenseLayer } from "../../src/train/index.js";

function randomLayers(sizes: number[], hidden: Activation, seed: number): DenseLayer[] {
  const rng = createRng(seed);
  return sizes.slice(1).map((outputSize, l) => {
    const inputSize = sizes[l] ?? 0;
    return {
      inputSize,
      outputSize,
      weights: Float32Array.from({ length: inputSize * outputSize }, () => rng.next() * 2 - 1),
      bias: Float32Array.from({ length: outputSize }, () => rng.next() - 0.5),
      activation: l === sizes.length - 2 ? "softmax" : hidden,
    };
  });
}

function randomRows(rows: number, width: number, classes: number, seed: number) {
  const rng = createRng(seed);
  return {
    x: Float64Array.from({ length: rows * width }, () => rng.next() * 4 - 2),
    y: Float64Array.from({ length: rows }, () => rng.int(classes)),
  };
}

/** Each example's gradient, flattened layer by layer (kernel then bias), by autodiff. */
function materialisedGradients(
  layers: DenseLayer[],
  data: { x: Float64Array; y: Float64Array },
): Float64Array[] {
  const width = layers[0]?.inputSize ?? 0;
  const classes = layers.at(-1)?.outputSize ?? 0;
  const params = layers.flatMap((l) => [
    tf.tensor2d(l.weights, [l.inputSize, l.outputSize]),
    tf.tensor1d(l.bias),
  ]);
  const out: Float64Array[] = [];
  for (let i = 0; i < data.y.length; i++) {
    const row = tf.tensor2d(Float32Array.from(data.x.subarray(i * width, (i + 1) * width)), [
      1,
      width,
    ]);
    const label = data.y[i] ?? 0;
    const lossOf = (...p: tf.Tensor[]): tf.Scalar => {
      let h: tf.Tensor = row;
      layers.forEach((layer, l) => {
        const z = h.matMul(p[2 * l] as tf.Tensor2D).add(p[2 * l + 1] as tf.Tensor1D);
        h =
          layer.activation === "relu"
            ? z.relu()
            : layer.activation === "sigmoid"
              ? z.sigmoid()
              : layer.activation === "softmax"
                ? z.softmax()
                : z;
      });
      return h.reshape([classes]).slice([label], [1]).log().neg().reshape([]);
    };
    const grads = tf.grads(lossOf)(params);
    const flat = grads.flatMap((g) => Array.from(g.dataSync()));
    out.push(Float64Array.from(flat));
    tf.dispose([row, ...grads]);
  }
  tf.dispose(params);
  return out;
}

function norm(v: Float64Array): number {
  return Math.sqrt(v.reduce((s, a) => s + a * a, 0));
}

function assertClose(actual: number, expected: number, relTol: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-3);
  assert.ok(
    Math.abs(actual - expected) <= relTol * scale,
    `${what}: got ${actual}, expected ${expected}`,
  );
}

describe("ghost clipping", () => {
  for (const hidden of ["relu", "sigmoid"] as const) {
    it(`gives each example's gradient norm as tf.grads of its own loss does (${hidden})`, async () => {
      await useWasmBackend();
      const layers = randomLayers([5, 7, 4, 3], hidden, 11);
      const data = randomRows(9, 5, 3, 12);
      const expected = materialisedGradients(layers, data).map(norm);
      const ghost = await perExampleGradientNorms(layers, data);
      assert.equal(ghost.length, 9);
      expected.forEach((e, i) => {
        assertClose(ghost[i] ?? Number.NaN, e, 1e-4, `example ${i}`);
      });
      // The norms differ between examples, so a per-batch norm could not pass.
      assert.ok(Math.max(...expected) > 1.1 * Math.min(...expected));
    });
  }

  it("sums the clipped per-example gradients Σ min(1, C/‖g_i‖) g_i", async () => {
    await useWasmBackend();
    const layers = randomLayers([4, 6, 3], "relu", 21);
    const data = randomRows(10, 4, 3, 22);
    const perExample = materialisedGradients(layers, data);
    const norms = perExample.map(norm);
    // C between the norms: some gradients are clipped, others kept as they are.
    const clipNorm = [...norms].sort((a, b) => a - b)[5] ?? 1;
    assert.ok(norms.some((n) => n > clipNorm * 1.01) && norms.some((n) => n < clipNorm * 0.99));
    const expected = new Float64Array(perExample[0]?.length ?? 0);
    perExample.forEach((g, i) => {
      const c = Math.min(1, clipNorm / ((norms[i] ?? 0) + 1e-6));
      g.forEach((v, k) => {
        expected[k] = (expected[k] ?? 0) + c * v;
      });
    });
    const sums = await clippedGradientSum(layers, data, clipNorm);
    const flat = sums.flatMap((s) => [...s.weights, ...s.bias]);
    assert.equal(flat.length, expected.length);
    const maxAbs = Math.max(...expected.map(Math.abs));
    flat.forEach((v, k) => {
      assert.ok(
        Math.abs(v - (expected[k] ?? 0)) <= 1e-4 * maxAbs,
        `parameter ${k}: got ${v}, expected ${expected[k]}`,
      );
    });
  });

  it("rejects a clipping norm <= 0 and layers that do not fit the data", async () => {
    const layers = randomLayers([4, 3], "relu", 1);
    const data = randomRows(2, 4, 3, 2);
    for (const bad of [0, -1, Number.NaN]) {
      await assert.rejects(clippedGradientSum(layers, data, bad), (err: unknown) => {
        assert.ok(err instanceof PrivacyParameterError);
        assert.equal(err.parameter, "clipNorm");
        assert.match(err.message, /clipNorm .* must be a finite number > 0/);
        return true;
      });
    }
    await assert.rejects(
      perExampleGradientNorms(layers, randomRows(2, 5, 3, 3)),
      /x has 10 values but 2 rows of 4 features need 8/,
    );
    await assert.rejects(
      perExampleGradientNorms(layers, { x: data.x, y: [0, 3] }),
      /row 1: label 3 is not a class index in 0\.\.2/,
    );
    await assert.rejects(perExampleGradientNorms([], data), /no layers/);
  });
});
