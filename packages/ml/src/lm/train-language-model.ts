import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { modelCardMarkdown, readCardLicence, type CardBaseModel } from "../card/index.js";
import { evidenceEnvelope, fileSha256, writeEvidenceFile } from "../evidence/index.js";
import { useWasmBackend } from "../train/use-wasm-backend.js";
import { BpeTokenizer } from "./bpe-tokenizer.js";
import type { SamplingSettings } from "./choose-token.js";
import { evaluateLm, type LmEvaluation } from "./evaluate-lm.js";
import { generateLm } from "./generate-lm.js";
import { gptParameterCount, type GptConfig } from "./gpt-config.js";
import { gptWeightsFrom, type GptWeights } from "./gpt-weights.js";
import { CHECKPOINT_DIR, tensorValues } from "./lm-checkpoint.js";
import { loadLmCorpus, splitLmCorpus, type LmCorpus } from "./lm-corpus.js";
import { END_OF_TEXT, readLmFolder, writeLmFolder, type LmFolder } from "./lm-folder.js";
import { trainBpe } from "./train-bpe.js";
import { printableText } from "./printable-text.js";
import { LmInputError } from "./lm-input-error.js";
import { trainLm, type LmProgress } from "./train-lm.js";

/** The model's shape when training from scratch; a fine-tune takes its base's. */
export interface LmSize {
  /** Byte-level BPE vocabulary, the 256 bytes and the end-of-text token included; 257 is plain bytes. */
  readonly vocabSize: number;
  readonly contextSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly width: number;
}

/**
 * The size `train lm` uses unless told otherwise: about ten minutes on two
 * cores for 1,500 steps of 16 × 64 tokens, enough for its samples to be
 * English words (docs/language-models.md has the figures).
 */
export const DEFAULT_LM_SIZE: LmSize = {
  vocabSize: 1024,
  contextSize: 64,
  layers: 3,
  heads: 4,
  width: 96,
};

export interface TrainLanguageModelOptions {
  /** A corpus name (`moby-dick`, `sotu`) or a UTF-8 text file. */
  readonly corpus: string;
  /** Folder the model is written to; a checkpoint found there is resumed. */
  readonly outDir: string;
  /** A folder `train lm` wrote: fine-tune it instead of training from scratch. */
  readonly base?: { readonly dir: string; readonly model: CardBaseModel["id"] };
  readonly size: LmSize;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly seed: number;
  /**
   * Default: when fine-tuning, the licence the base's README.md names (a
   * derivative keeps its base's terms unless its publisher chooses others);
   * else apache-2.0.
   */
  readonly licence?: string;
  /** Steps between checkpoints. */
  readonly checkpointEvery?: number;
  readonly onStep?: (progress: LmProgress) => void;
  /** Called once the corpus is tokenised, before the first step; the CLI starts its bar here. */
  readonly onReady?: (facts: { readonly trainTokens: number; readonly parameters: number }) => void;
}

export interface TrainedLanguageModel {
  readonly files: readonly string[];
  readonly config: GptConfig;
  readonly parameters: number;
  readonly trainTokens: number;
  readonly validation: LmEvaluation;
  /** A fine-tune's base scored on the same held-out text, to show what the fine-tune changed. */
  readonly baseValidation?: LmEvaluation;
  readonly samples: readonly { readonly prompt: string; readonly text: string }[];
  readonly seconds: number;
  readonly resumedFrom: number;
}

/** Held-out tokens scored at most: enough for a stable figure, few enough to take seconds. */
const MAX_VALIDATION_TOKENS = 65_536;

/**
 * The chat template of the card: each message as `Role: text` on a line, then
 * `Assistant:` for the model to continue. The model was never taught to chat;
 * the template lets the hub's chat endpoint serve it as it serves any model.
 */
const CHAT_TEMPLATE =
  "{% for message in messages %}{{ message['role'] | capitalize }}: {{ message['content'] }}\n{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}";

/** The card's samples: how each corpus's text begins, continued by the model. */
const PROMPTS: Readonly<Record<string, readonly string[]>> = {
  "moby-dick": ["Call me", "The whale", "The sea was"],
  sotu: ["Fellow citizens", "The Congress", "Our nation"],
};

const SAMPLING: SamplingSettings = {
  temperature: 0.8,
  topK: 40,
  topP: 1,
  presencePenalty: 0,
  frequencyPenalty: 0,
};
const SAMPLE_TOKENS = 40;

/** Documents as one token stream, each ended by the end-of-text token so the model learns where text stops. */
function tokenStream(tokenizer: BpeTokenizer, documents: readonly string[]): Int32Array {
  const ids: number[] = [];
  const eos = tokenizer.id(END_OF_TEXT);
  for (const doc of documents) {
    for (const id of tokenizer.encode(doc)) {
      ids.push(id);
    }
    ids.push(eos);
  }
  return Int32Array.from(ids);
}

function byteLengths(tokenizer: BpeTokenizer): (id: number) => number {
  const encoder = new TextEncoder();
  const lengths = tokenizer.tokens.map((_, id) => encoder.encode(tokenizer.decode([id])).length);
  return (id) => lengths[id] ?? 0;
}

async function folderOf(
  config: GptConfig,
  weights: GptWeights,
  tokenizer: BpeTokenizer,
): Promise<LmFolder> {
  return { config, tokenizer, weights: await tensorValues(weights) };
}

function cardText(
  options: TrainLanguageModelOptions & { readonly licence: string },
  corpus: LmCorpus,
  run: Omit<TrainedLanguageModel, "files">,
  split: { train: number; validation: number },
): string {
  const v = run.validation;
  const { config } = run;
  const fineTune = options.base !== undefined;
  const training = [
    `- **Architecture:** GPT-2-style decoder: ${config.layers} pre-norm blocks of ${config.heads}-head causal attention and a GELU MLP, width ${config.width}, context ${config.contextSize} tokens, tied output layer; ${run.parameters} parameters`,
    `- **Tokenizer:** byte-level BPE of ${config.vocabSize} tokens${fineTune ? ", the base's" : ", trained on the training split"}`,
    `- **Optimizer:** Adam (β 0.9, 0.95), peak rate ${options.learningRate}, ${options.warmupSteps} warm-up steps, cosine decay to a tenth, gradients clipped to norm 1`,
    `- **Steps:** ${options.steps} of ${options.batchSize} × ${config.contextSize} tokens (${run.trainTokens} training tokens), seed ${options.seed}`,
    `- **Time:** ${Math.round(run.seconds)} s on CPU (tfjs, WebAssembly backend)`,
  ];
  const samples = run.samples
    .map((s) => `- *${s.prompt}*${printableText(s.text).replace(/[\\`*_[\]<>|]/g, "\\$&")}`)
    .join("\n");
  const base = run.baseValidation;
  const description = fineTune
    ? `A small decoder-only language model fine-tuned from \`${options.base.model}\` on ${corpus.title}.` +
      (base === undefined
        ? ""
        : ` On the held-out text its perplexity is ${v.perplexity.toFixed(2)}, against the base's ${base.perplexity.toFixed(2)}.`)
    : `A small decoder-only language model pretrained from scratch on ${corpus.title}.`;
  return modelCardMarkdown({
    modelName: path.basename(path.resolve(options.outDir)),
    description,
    license: options.licence,
    libraryName: "gatehouse",
    pipelineTag: "text-generation",
    chatTemplate: CHAT_TEMPLATE,
    taskName: "Text generation",
    tags: ["gpt2", "text-generation", "safetensors"],
    intendedUses: [
      "Studying how a language model is released, fine-tuned and served under restrictions.",
      `Continuing text in the style of ${corpus.title}.`,
    ],
    limitations: [
      `It has seen only ${corpus.title}: it knows nothing else and states nothing reliably.`,
      "It is small: its text is often ungrammatical and repeats itself.",
    ],
    dataset: {
      id: corpus.id,
      name: corpus.title,
      rows: corpus.documents.length,
      split: { seed: options.seed, ...split },
    },
    results: [
      {
        type: "perplexity",
        name: "Validation perplexity",
        value: v.perplexity,
        split: "validation",
      },
      { type: "loss", name: "Validation loss (nats a token)", value: v.loss, split: "validation" },
      {
        type: "bits_per_byte",
        name: "Validation bits per byte",
        value: v.bitsPerByte,
        split: "validation",
      },
    ],
    ...(options.base === undefined
      ? {}
      : { baseModel: { id: options.base.model, relation: "finetune" } }),
    sections: [
      { heading: "Training", markdown: training.join("\n") },
      {
        heading: "Samples",
        markdown: `Continuations of ${SAMPLE_TOKENS} tokens, temperature ${SAMPLING.temperature}, top-k ${SAMPLING.topK}, seed ${options.seed}:\n\n${samples}`,
      },
    ],
  });
}

/**
 * `gatehouse train lm`: trains a byte-level BPE tokenizer and a GPT-style
 * decoder on a corpus (or fine-tunes a base folder on it), holds out a
 * seeded tenth of its documents, and writes a folder ready to push: the
 * model's files, evaluation.json (loss, perplexity, bits per byte on the
 * held-out text) and a README.md card with samples. Checkpoints in the
 * folder let an interrupted run resume; they are removed once it ends.
 */
/** The licence a base's card names, which its fine-tune keeps unless told otherwise. */
async function baseLicence(dir: string): Promise<string> {
  const card = path.join(dir, "README.md");
  const licence = await readCardLicence(card);
  if (licence === undefined) {
    throw new LmInputError(
      `${card} names no licence to inherit; give the licence the fine-tune is released under`,
    );
  }
  return licence;
}

export async function trainLanguageModel(
  options: TrainLanguageModelOptions,
): Promise<TrainedLanguageModel> {
  const started = performance.now();
  await useWasmBackend();
  const base = options.base === undefined ? null : await readLmFolder(options.base.dir);
  const licence =
    options.licence ??
    (options.base === undefined ? "apache-2.0" : await baseLicence(options.base.dir));
  const corpus = await loadLmCorpus(options.corpus);
  const split = splitLmCorpus(corpus, options.seed);
  const tokenizer =
    base?.tokenizer ??
    new BpeTokenizer(
      trainBpe(split.train, { vocabSize: options.size.vocabSize, specialTokens: [END_OF_TEXT] }),
    );
  const config: GptConfig = base?.config ?? {
    vocabSize: tokenizer.size,
    contextSize: options.size.contextSize,
    layers: options.size.layers,
    heads: options.size.heads,
    width: options.size.width,
  };
  const train = tokenStream(tokenizer, split.train);
  const held = tokenStream(tokenizer, split.validation).subarray(0, MAX_VALIDATION_TOKENS);
  const parameters = gptParameterCount(config);
  await mkdir(options.outDir, { recursive: true });
  options.onReady?.({ trainTokens: train.length, parameters });
  const trained = await trainLm(train, {
    config,
    steps: options.steps,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    warmupSteps: options.warmupSteps,
    seed: options.seed,
    checkpointDir: options.outDir,
    ...(options.checkpointEvery === undefined ? {} : { checkpointEvery: options.checkpointEvery }),
    ...(base === null
      ? {}
      : { initialWeights: new Map([...base.weights].map(([n, t]) => [n, t.data])) }),
    ...(options.onStep === undefined ? {} : { onStep: options.onStep }),
  });
  const bytes = byteLengths(tokenizer);
  const validation = await evaluateLm(config, trained.weights, held, bytes);
  let baseValidation: LmEvaluation | undefined;
  if (base !== null) {
    const baseWeights = gptWeightsFrom(
      config,
      new Map([...base.weights].map(([n, t]) => [n, t.data])),
    );
    baseValidation = await evaluateLm(config, baseWeights, held, bytes);
    tf.dispose([...baseWeights.values()]);
  }
  const prompts = PROMPTS[corpus.id] ?? ["The"];
  const samples = [];
  for (const [i, prompt] of prompts.entries()) {
    const text = await generateLm(config, trained.weights, tokenizer, prompt, {
      ...SAMPLING,
      maxTokens: SAMPLE_TOKENS,
      seed: options.seed + i,
      stopAt: tokenizer.id(END_OF_TEXT),
    });
    samples.push({ prompt, text });
  }

  const files = await writeLmFolder(
    options.outDir,
    await folderOf(config, trained.weights, tokenizer),
    {
      do_sample: true,
      temperature: SAMPLING.temperature,
      top_k: SAMPLING.topK,
      max_new_tokens: SAMPLE_TOKENS,
    },
  );
  tf.dispose([...trained.weights.values()]);
  const weightsFile = path.join(options.outDir, "model.safetensors");
  const summary = `Validation perplexity ${validation.perplexity.toFixed(2)} (${validation.bitsPerByte.toFixed(3)} bits per byte) over ${validation.tokens} held-out tokens of ${corpus.id}.`;
  const report = {
    ...evidenceEnvelope("evaluation", {
      subject: { sha256: await fileSha256(weightsFile), path: "model.safetensors" },
      summary,
      passed: null,
    }),
    task: "text-generation",
    dataset: { name: corpus.id, rows: corpus.documents.length },
    split: { name: "validation", rows: split.validation.length },
    metrics: {
      loss: validation.loss,
      perplexity: validation.perplexity,
      bits_per_byte: validation.bitsPerByte,
      tokens: validation.tokens,
    },
  };
  await writeEvidenceFile(path.join(options.outDir, "evaluation.json"), report);
  const seconds = (performance.now() - started) / 1000;
  const run = {
    config,
    parameters,
    trainTokens: train.length,
    validation,
    ...(baseValidation === undefined ? {} : { baseValidation }),
    samples,
    seconds,
    resumedFrom: trained.resumedFrom,
  };
  const total = corpus.documents.length;
  await writeFile(
    path.join(options.outDir, "README.md"),
    cardText({ ...options, licence }, corpus, run, {
      train: split.train.length / total,
      validation: split.validation.length / total,
    }),
  );
  await rm(path.join(options.outDir, CHECKPOINT_DIR), { recursive: true, force: true });
  return { files: [...files, "evaluation.json", "README.md"], ...run };
}
