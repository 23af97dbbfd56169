/**
 * The generation engine alone, for a server's worker threads: importing it
 * loads onnxruntime and the tokenizer, not the training stack (tfjs) that
 * the package's main entry brings.
 */
export { createGenerationEngine, type GenerationEngine } from "./lm/generation-engine.js";
export { LmInputError } from "./lm/lm-input-error.js";
export type { SamplingSettings } from "./lm/choose-token.js";
export type { FinishReason, GenerationRequest, GenerationResult } from "./lm/generation-types.js";
export { GPT_ONNX_NAMES, gptPastName } from "./lm/gpt-onnx-format.js";
export { fromTokenizerJson, toTokenizerJson, type TokenizerJson } from "./lm/tokenizer-json.js";
export type { BpeTokenizer } from "./lm/bpe-tokenizer.js";
