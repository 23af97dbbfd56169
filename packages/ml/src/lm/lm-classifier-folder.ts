import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { OnnxExportMetadata } from "../onnx/export-spec.js";
import type { BpeTokenizer } from "./bpe-tokenizer.js";
import { exportGptClassifierOnnx } from "./export-gpt-classifier-onnx.js";
import type { GptConfig } from "./gpt-config.js";
import type { GptWeights } from "./gpt-weights.js";
import { tensorValues } from "./lm-checkpoint.js";
import { LM_FILES, writeGptFiles } from "./lm-folder.js";

/** A fine-tuned classifier as its folder holds it. */
export interface LmClassifierFolder {
  readonly config: GptConfig;
  /** The body's weights and the head's (`CLASSIFIER_HEAD`). */
  readonly weights: GptWeights;
  readonly tokenizer: BpeTokenizer;
  readonly classes: readonly string[];
  /** The ONNX file's licence, description and further entries. */
  readonly metadata: OnnxExportMetadata;
}

/**
 * Writes a classifier's config.json (GPT-2's keys, the labels, and
 * `summary_type` "mean", GPT-2's name for mean pooling), model.safetensors
 * (the head as `score.weight` [width, classes], laid out as GPT-2's other
 * matrices), tokenizer.json and model.onnx into `dir`; returns their names.
 */
export async function writeLmClassifierFolder(
  dir: string,
  folder: LmClassifierFolder,
): Promise<string[]> {
  const { config, tokenizer, classes } = folder;
  const weights = await tensorValues(folder.weights);
  const tokenizerJson = await writeGptFiles(
    dir,
    { config, tokenizer, weights },
    {
      summary_type: "mean",
      num_labels: classes.length,
      id2label: Object.fromEntries(classes.map((label, i) => [String(i), label])),
      label2id: Object.fromEntries(classes.map((label, i) => [label, i])),
    },
  );
  await writeFile(
    path.join(dir, LM_FILES.onnx),
    exportGptClassifierOnnx({
      config,
      weights: new Map([...weights].map(([name, t]) => [name, t.data])),
      classes,
      tokenizerJson,
      metadata: folder.metadata,
    }),
  );
  return [LM_FILES.config, LM_FILES.weights, LM_FILES.tokenizer, LM_FILES.onnx];
}
