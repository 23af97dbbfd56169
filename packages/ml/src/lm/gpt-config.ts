import { LmInputError } from "./lm-input-error.js";

/** The shape of a GPT-style decoder: what `train lm` calls its size settings. */
export interface GptConfig {
  readonly vocabSize: number;
  /** The most tokens a sequence may hold: the position table's length. */
  readonly contextSize: number;
  readonly layers: number;
  readonly heads: number;
  /** The width of the residual stream; a multiple of `heads`. */
  readonly width: number;
}

/**
 * Checks a configuration, naming the setting to change. Sizes are bounded so
 * that a typo cannot ask a two-core machine for a model it would never train.
 */
export function checkGptConfig(config: GptConfig): GptConfig {
  const bounds: [keyof GptConfig, number, number][] = [
    ["vocabSize", 2, 1 << 20],
    ["contextSize", 2, 8192],
    ["layers", 1, 48],
    ["heads", 1, 64],
    ["width", 2, 4096],
  ];
  for (const [name, min, max] of bounds) {
    const value = config[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new LmInputError(`${name} is ${value}; use a whole number from ${min} to ${max}`);
    }
  }
  if (config.width % config.heads !== 0) {
    throw new LmInputError(
      `width ${config.width} does not split into ${config.heads} heads; use a multiple of ${config.heads}`,
    );
  }
  return config;
}

/** How many numbers the model holds: the output layer is the token table, tied, so counted once. */
export function gptParameterCount(config: GptConfig): number {
  const { vocabSize, contextSize, layers, width } = config;
  const block = 2 * 2 * width + (width * 3 * width + 3 * width) + (width * width + width);
  const mlp = width * 4 * width + 4 * width + 4 * width * width + width;
  return vocabSize * width + contextSize * width + layers * (block + mlp) + 2 * width;
}
