import * as tf from "@tensorflow/tfjs";
import type { GptConfig } from "./gpt-config.js";
import { gptLogits } from "./gpt-forward.js";
import type { GptWeights } from "./gpt-weights.js";

/** How well a language model predicts held-out text. */
export interface LmEvaluation {
  /** Mean cross-entropy, nats a token. */
  readonly loss: number;
  /** e^loss: the number of equally likely tokens the model is as unsure as. */
  readonly perplexity: number;
  /** Cross-entropy per byte of the predicted text, in bits: comparable across tokenizers. */
  readonly bitsPerByte: number;
  readonly tokens: number;
  readonly bytes: number;
}

/** Windows scored at once. */
const BATCH = 8;

/**
 * The windows that cover `size` tokens, in groups of one length for a batch:
 * full windows of the context's length, then the shorter rest alone.
 */
function* windowGroups(
  size: number,
  span: number,
): Generator<{ readonly starts: number[]; readonly length: number }> {
  const full = Math.floor((size - 1) / span);
  for (let w = 0; w < full; w += BATCH) {
    const starts: number[] = [];
    for (let i = w; i < Math.min(full, w + BATCH); i++) {
      starts.push(i * span);
    }
    yield { starts, length: span };
  }
  const rest = size - 1 - full * span;
  if (rest > 0) {
    yield { starts: [full * span], length: rest };
  }
}

/**
 * Scores `tokens` in consecutive windows of the context's length, each token
 * but the first predicted once from the tokens before it in its window.
 * `byteLength(id)` gives each token's size in bytes of text, for bits per byte.
 */
export async function evaluateLm(
  config: GptConfig,
  weights: GptWeights,
  tokens: Int32Array,
  byteLength: (id: number) => number,
): Promise<LmEvaluation> {
  if (tokens.length < 2) {
    throw new RangeError("the held-out text is shorter than two tokens; there is nothing to score");
  }
  let nats = 0;
  let count = 0;
  let bytes = 0;
  for (const group of windowGroups(tokens.length, config.contextSize)) {
    const { length } = group;
    const inputs = group.starts.map((s) => Array.from(tokens.subarray(s, s + length)));
    const targets = group.starts.map((s) => Array.from(tokens.subarray(s + 1, s + 1 + length)));
    const sum = tf.tidy(() => {
      const logits = gptLogits(config, weights, tf.tensor2d(inputs, undefined, "int32"));
      const logProbs = tf.logSoftmax(logits.reshape([-1, config.vocabSize]));
      const flat = tf.tensor1d(targets.flat(), "int32");
      return tf.oneHot(flat, config.vocabSize).mul(logProbs).sum().neg();
    });
    nats += (await sum.data())[0] ?? NaN;
    sum.dispose();
    count += group.starts.length * length;
    for (const id of targets.flat()) {
      bytes += byteLength(id);
    }
  }
  const loss = nats / count;
  return {
    loss,
    perplexity: Math.exp(loss),
    bitsPerByte: nats / Math.LN2 / bytes,
    tokens: count,
    bytes,
  };
}
