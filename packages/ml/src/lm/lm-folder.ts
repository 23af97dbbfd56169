import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BpeTokenizer } from "./bpe-tokenizer.js";
import { exportGptOnnx } from "./export-gpt-onnx.js";
import { checkGptConfig, type GptConfig } from "./gpt-config.js";
import { GPT_ONNX_GENERATION_KEY, GPT_ONNX_TOKENIZER_KEY } from "./gpt-onnx-format.js";
import { gptWeightShapes } from "./gpt-weights.js";
import { readSafetensors, writeSafetensors, type F32Tensor } from "./safetensors.js";
import { fromTokenizerJson, toTokenizerJson } from "./tokenizer-json.js";
import { LmInputError } from "./lm-input-error.js";

/** The end-of-text token every corpus document ends with, as GPT-2 names it. */
export const END_OF_TEXT = "<|endoftext|>";

/** The files of a language-model folder, named as Hugging Face's GPT-2 repositories name them. */
export const LM_FILES = {
  config: "config.json",
  weights: "model.safetensors",
  tokenizer: "tokenizer.json",
  generation: "generation_config.json",
  onnx: "model.onnx",
} as const;

/** GPT-2's checkpoints call the two tables `wte.weight` and `wpe.weight`; the toolkit, `wte` and `wpe`. */
const TABLES = new Map([
  ["wte", "wte.weight"],
  ["wpe", "wpe.weight"],
]);

/** A language model as a folder holds it. */
export interface LmFolder {
  readonly config: GptConfig;
  readonly weights: ReadonlyMap<string, F32Tensor>;
  readonly tokenizer: BpeTokenizer;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Writes config.json (GPT-2's keys, then `configFields`), model.safetensors
 * and tokenizer.json into `dir`, the files every GPT-2 folder holds, and
 * returns tokenizer.json's text.
 */
export async function writeGptFiles(
  dir: string,
  folder: LmFolder,
  configFields: Readonly<Record<string, unknown>>,
): Promise<string> {
  const { config, tokenizer } = folder;
  const eos = tokenizer.id(END_OF_TEXT);
  await writeFile(
    path.join(dir, LM_FILES.config),
    json({
      model_type: "gpt2",
      vocab_size: config.vocabSize,
      n_positions: config.contextSize,
      n_ctx: config.contextSize,
      n_embd: config.width,
      n_layer: config.layers,
      n_head: config.heads,
      activation_function: "gelu_new",
      layer_norm_epsilon: 1e-5,
      tie_word_embeddings: true,
      bos_token_id: eos,
      eos_token_id: eos,
      ...configFields,
    }),
  );
  const renamed = new Map(
    [...folder.weights].map(([name, tensor]) => [TABLES.get(name) ?? name, tensor] as const),
  );
  await writeSafetensors(path.join(dir, LM_FILES.weights), renamed, { format: "pt" });
  const tokenizerJson = json(toTokenizerJson(tokenizer));
  await writeFile(path.join(dir, LM_FILES.tokenizer), tokenizerJson);
  return tokenizerJson;
}

/**
 * Writes config.json, model.safetensors, tokenizer.json and
 * generation_config.json into `dir`, the files a Hugging Face GPT-2
 * repository holds, and model.onnx, the decoder exported for generation
 * with the tokenizer and settings in its metadata.
 */
export async function writeLmFolder(
  dir: string,
  folder: LmFolder,
  generation: Readonly<Record<string, number | boolean>>,
): Promise<string[]> {
  const tokenizerJson = await writeGptFiles(dir, folder, { architectures: ["GPT2LMHeadModel"] });
  const eos = folder.tokenizer.id(END_OF_TEXT);
  const generationJson = json({ bos_token_id: eos, eos_token_id: eos, ...generation });
  await writeFile(path.join(dir, LM_FILES.generation), generationJson);
  // The export carries the tokenizer and settings, so a server needs the one file.
  await writeFile(
    path.join(dir, LM_FILES.onnx),
    exportGptOnnx(folder.config, new Map([...folder.weights].map(([name, t]) => [name, t.data])), {
      [GPT_ONNX_TOKENIZER_KEY]: tokenizerJson,
      [GPT_ONNX_GENERATION_KEY]: generationJson,
    }),
  );
  return Object.values(LM_FILES);
}

/** A whole number from config.json, or an error naming the key. */
function configNumber(dir: string, config: Record<string, unknown>, key: string): number {
  const value = config[key];
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new LmInputError(`${path.join(dir, LM_FILES.config)} has no whole number ${key}`);
  }
  return value;
}

/**
 * Reads a folder `writeLmFolder` wrote (or a GPT-2 repository of the same
 * files), checking each weight's shape against the configuration. A folder
 * that is not a language model is refused, saying what it lacks.
 */
export async function readLmFolder(dir: string): Promise<LmFolder> {
  const notLm = (why: string): Error =>
    new LmInputError(
      `${dir} is not a language-model folder: ${why}; give a folder written by train lm`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path.join(dir, LM_FILES.config), "utf8"));
  } catch (err) {
    throw notLm(`its ${LM_FILES.config} cannot be read (${(err as Error).message})`);
  }
  if (
    typeof raw !== "object" ||
    raw === null ||
    (raw as { model_type?: unknown }).model_type !== "gpt2"
  ) {
    throw notLm(`its ${LM_FILES.config} does not say model_type "gpt2"`);
  }
  const record = raw as Record<string, unknown>;
  const config = checkGptConfig({
    vocabSize: configNumber(dir, record, "vocab_size"),
    contextSize: configNumber(dir, record, "n_positions"),
    layers: configNumber(dir, record, "n_layer"),
    heads: configNumber(dir, record, "n_head"),
    width: configNumber(dir, record, "n_embd"),
  });
  let tokenizerJson: unknown;
  try {
    tokenizerJson = JSON.parse(await readFile(path.join(dir, LM_FILES.tokenizer), "utf8"));
  } catch (err) {
    throw notLm(`its ${LM_FILES.tokenizer} cannot be read (${(err as Error).message})`);
  }
  let tokenizer: BpeTokenizer;
  try {
    tokenizer = fromTokenizerJson(tokenizerJson);
  } catch (err) {
    throw notLm(`its ${LM_FILES.tokenizer} is not one train lm writes (${(err as Error).message})`);
  }
  if (tokenizer.size !== config.vocabSize) {
    throw notLm(
      `its tokenizer has ${tokenizer.size} tokens but its model a vocabulary of ${config.vocabSize}`,
    );
  }
  let stored: Map<string, F32Tensor>;
  try {
    stored = (await readSafetensors(path.join(dir, LM_FILES.weights))).tensors;
  } catch (err) {
    throw notLm(`its ${LM_FILES.weights} cannot be read (${(err as Error).message})`);
  }
  const weights = new Map<string, F32Tensor>();
  for (const [name, shape] of gptWeightShapes(config)) {
    const tensor = stored.get(TABLES.get(name) ?? name) ?? stored.get(name);
    if (tensor === undefined || tensor.shape.join("x") !== shape.join("x")) {
      throw notLm(
        `its weight ${name} is ${tensor === undefined ? "missing" : `of shape [${tensor.shape.join(", ")}]`}, not [${shape.join(", ")}]`,
      );
    }
    weights.set(name, tensor);
  }
  return { config, weights, tokenizer };
}
