import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random/seeded.js";
import type { BpeTokenizer } from "./bpe-tokenizer.js";
import { chooseToken, type SamplingSettings } from "./choose-token.js";
import type { GptConfig } from "./gpt-config.js";
import { gptLogits } from "./gpt-forward.js";
import type { GptWeights } from "./gpt-weights.js";

export interface GenerateOptions extends SamplingSettings {
  readonly maxTokens: number;
  readonly seed: number;
  /** A token that ends the text when drawn, left out of it (the end-of-text token). */
  readonly stopAt?: number;
}

/**
 * Continues `prompt` by up to `maxTokens` tokens with the tfjs model, each
 * step a full pass over the last context's worth of tokens. It is the
 * training run's own check of what the model writes (the card's samples);
 * the hub generates from the ONNX export, one token a step.
 */
export async function generateLm(
  config: GptConfig,
  weights: GptWeights,
  tokenizer: BpeTokenizer,
  prompt: string,
  options: GenerateOptions,
): Promise<string> {
  const ids = tokenizer.encode(prompt);
  if (ids.length === 0) {
    throw new RangeError("the prompt is empty; give at least one character to continue");
  }
  const rng = createRng(options.seed);
  const counts = new Map<number, number>();
  const generated: number[] = [];
  for (let i = 0; i < options.maxTokens; i++) {
    const window = ids.slice(-config.contextSize);
    const last = tf.tidy(() => {
      const logits = gptLogits(config, weights, tf.tensor2d([window], undefined, "int32"));
      return logits.slice([0, window.length - 1, 0], [1, 1, config.vocabSize]).reshape([-1]);
    });
    const values = await last.data();
    last.dispose();
    const next = chooseToken(values, options, counts, () => rng.next());
    if (next === options.stopAt) {
      break;
    }
    ids.push(next);
    generated.push(next);
    counts.set(next, (counts.get(next) ?? 0) + 1);
  }
  return tokenizer.decode(generated);
}
