import * as tf from "@tensorflow/tfjs";
import type { BpeTokenizer } from "./bpe-tokenizer.js";
import type { GptConfig } from "./gpt-config.js";
import { gptHidden } from "./gpt-forward.js";
import type { GptWeights } from "./gpt-weights.js";
import { END_OF_TEXT } from "./lm-folder.js";

/**
 * The classification head's weights beside the body's, named as Hugging
 * Face's GPT2ForSequenceClassification names its head: `score.weight`
 * [width, classes] and `score.bias` [classes].
 */
export const CLASSIFIER_HEAD = { weight: "score.weight", bias: "score.bias" } as const;

/**
 * Each text's first `maxTokens` tokens by the base's tokenizer. The start is
 * kept, not the end, because an e-mail's Subject comes first. A text with no
 * tokens reads as the end-of-text token alone, so that every text has one
 * token to pool.
 */
export function classifierTokens(
  tokenizer: BpeTokenizer,
  texts: readonly string[],
  maxTokens: number,
): number[][] {
  const eos = tokenizer.id(END_OF_TEXT);
  return texts.map((text) => {
    const ids = tokenizer.encode(text, maxTokens);
    return ids.length === 0 ? [eos] : ids;
  });
}

/** A batch of token sequences, right-padded to the longest, with a mask of 1 for real tokens. */
export interface ClassifierBatch {
  readonly ids: number[][];
  readonly mask: number[][];
}

/**
 * Pads `sequences` at the end with `padId` to the longest of them. The
 * decoder is causal, so padding after a text never changes the states of
 * the text's own tokens.
 */
export function classifierBatch(
  sequences: readonly (readonly number[])[],
  padId: number,
): ClassifierBatch {
  const length = Math.max(1, ...sequences.map((s) => s.length));
  return {
    ids: sequences.map((s) => [...s, ...new Array<number>(length - s.length).fill(padId)]),
    mask: sequences.map((s) => Array.from({ length }, (_, i) => (i < s.length ? 1 : 0))),
  };
}

/**
 * Class logits [batch, classes] of a batch: the body's final hidden states,
 * averaged over each text's real tokens (`mask` 1), then the linear head.
 * Mean pooling rather than the last token (GPT-1's and Hugging Face's
 * choice): a text is cut at the context, so its last token is wherever the
 * cut fell, and a small decoder's one state summarises its prefix poorly;
 * the mean also gives every position a gradient. Call inside `tf.tidy` or a
 * gradient function.
 */
export function gptClassifierLogits(
  config: GptConfig,
  weights: GptWeights,
  batch: { readonly ids: tf.Tensor2D; readonly mask: tf.Tensor2D },
): tf.Tensor2D {
  const head = (name: string): tf.Variable => {
    const w = weights.get(name);
    if (w === undefined) {
      throw new Error(`the classifier has no weight ${name}`);
    }
    return w;
  };
  const mask = batch.mask.toFloat();
  const summed = gptHidden(config, weights, batch.ids).mul(mask.expandDims(2)).sum(1);
  const pooled = summed.div(tf.maximum(mask.sum(1, true), 1));
  return tf.matMul(pooled, head(CLASSIFIER_HEAD.weight)).add(head(CLASSIFIER_HEAD.bias));
}
