import { readFile } from "node:fs/promises";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { classifierBatch } from "./gpt-classifier.js";
import { GPT_ONNX_NAMES } from "./gpt-onnx-format.js";

/** Texts a call to the runtime scores: a bound on memory, not on the result. */
const ONNX_BATCH = 64;

const int64 = (rows: readonly (readonly number[])[]): Tensor =>
  new Tensor("int64", BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]?.length ?? 0]);

/**
 * Runs a classifier file `exportGptClassifierOnnx` wrote on token sequences
 * (right-padded with `padId` a batch at a time) and returns each one's class
 * probabilities, [sequences][classes].
 */
export async function runGptClassifierOnnx(
  modelFile: string,
  sequences: readonly (readonly number[])[],
  padId: number,
): Promise<number[][]> {
  const session = await InferenceSession.create(await readFile(modelFile));
  try {
    const rows: number[][] = [];
    for (let start = 0; start < sequences.length; start += ONNX_BATCH) {
      const batch = classifierBatch(sequences.slice(start, start + ONNX_BATCH), padId);
      const out = await session.run({
        [GPT_ONNX_NAMES.inputIds]: int64(batch.ids),
        [GPT_ONNX_NAMES.attentionMask]: int64(batch.mask),
      });
      const probabilities = out.probabilities;
      if (probabilities === undefined) {
        throw new Error(
          `${modelFile} has no output probabilities; export it with exportGptClassifierOnnx`,
        );
      }
      const width = probabilities.dims[1] ?? 0;
      const values = probabilities.data as Float32Array;
      for (let r = 0; r < batch.ids.length; r++) {
        rows.push(Array.from(values.subarray(r * width, (r + 1) * width)));
      }
    }
    return rows;
  } finally {
    await session.release();
  }
}
