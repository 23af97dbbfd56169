import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRng, exportOnnx, trainReference } from "@gatehouse/ml";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { createDraft, expectStatus } from "../security/support.js";
import type { TestHub } from "../support/harness.js";

/** An Iris MLP trained and exported to ONNX by the toolkit, as `gatehouse train iris` makes it. */
export async function trainIris(): Promise<{
  bytes: Buffer;
  file: string;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-serve-iris-"));
  await trainReference("iris", { outDir: dir, epochs: 5 });
  const file = path.join(dir, "model.onnx");
  return {
    bytes: await readFile(file),
    file,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Four Iris rows (sepal length, sepal width, petal length, petal width), one of each kind and one between. */
export const IRIS_ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.4, 3.2, 4.5, 1.5],
  [6.3, 3.3, 6.0, 2.5],
  [5.9, 3.0, 5.1, 1.8],
];

/** What onnxruntime itself answers for these rows on the same file: the independent reference. */
export async function referenceOutputs(
  file: string,
  rows: readonly (readonly number[])[],
): Promise<{ probabilities: number[]; label: number[] }> {
  const session = await InferenceSession.create(file);
  try {
    const features = new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, 4]);
    const out = await session.run({ features });
    return {
      probabilities: Array.from(out.probabilities?.data as Float32Array),
      label: Array.from(out.label?.data as BigInt64Array, Number),
    };
  } finally {
    await session.release();
  }
}

/** Creates `id` with versions starting at `stage`, and publishes `version` holding `files`. */
export async function publishAt(
  hub: TestHub,
  token: string,
  id: string,
  stage: string,
  version: string,
  files: Record<string, string | Buffer>,
  create = true,
): Promise<void> {
  if (create) {
    await expectStatus(
      hub.request("POST", "/api/models", { token, json: { id, visibility: stage } }),
      201,
    );
  }
  await createDraft(hub, token, id, version);
  for (const [file, content] of Object.entries(files)) {
    await expectStatus(
      hub.request("PUT", `/api/models/${id}/versions/${version}/files/${file}`, {
        token,
        body: content,
      }),
      201,
    );
  }
  await expectStatus(
    hub.request("POST", `/api/models/${id}/versions/${version}/publish`, { token }),
    200,
  );
}

/** Serves `id@version`, failing with the hub's answer otherwise. */
export async function enable(
  hub: TestHub,
  token: string,
  id: string,
  version: string,
  workers = 1,
): Promise<void> {
  await expectStatus(
    hub.request("PUT", `/api/models/${id}/versions/${version}/serving`, {
      token,
      json: { workers },
    }),
    200,
  );
}

/** An OIP v2 inference request for Iris rows. */
export function irisRequest(
  rows: readonly (readonly number[])[],
  extra: Record<string, unknown> = {},
) {
  return {
    inputs: [{ name: "features", shape: [rows.length, 4], datatype: "FP32", data: rows }],
    ...extra,
  };
}

/**
 * A wide MLP classifier exported by the toolkit (`exportOnnx`), with seeded
 * random weights: `features` FP32 [N, 16], hidden layers of `width` units, so
 * that a run costs what a real mid-sized model costs rather than microseconds.
 */
export async function wideMlp(
  width: number,
  hidden: number,
): Promise<{ bytes: Buffer; file: string; cleanup(): Promise<void> }> {
  const rng = createRng(7);
  const layer = (inputs: number, outputs: number, activation: "relu" | "softmax") => {
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
  const bytes = Buffer.from(
    exportOnnx({
      kind: "mlp",
      layers,
      preprocessing: { featureNames: Array.from({ length: WIDE_FEATURES }, (_, i) => `f${i}`) },
      classes: ["a", "b", "c"],
      metadata: { licence: "apache-2.0", producerVersion: "0.1.0" },
    }),
  );
  const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-serve-wide-"));
  const file = path.join(dir, "model.onnx");
  await writeFile(file, bytes);
  return { bytes, file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The features of `wideMlp`'s input rows. */
export const WIDE_FEATURES = 16;

/** `rows` distinct rows for `wideMlp`, starting from `seed`. */
export function wideRows(rows: number, seed: number): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: WIDE_FEATURES }, (_, f) => Math.sin(seed * 31 + r * 7 + f)),
  );
}
