export {
  BYTE_CHARS,
  byteCharsToBytes,
  fromByteChars,
  splitWords,
  toByteChars,
} from "./byte-level.js";
export { BpeTokenizer } from "./bpe-tokenizer.js";
export { fromTokenizerJson, toTokenizerJson, type TokenizerJson } from "./tokenizer-json.js";
export { MAX_VOCAB_SIZE, trainBpe, type BpeVocabulary, type TrainBpeOptions } from "./train-bpe.js";
export { checkGptConfig, gptParameterCount, type GptConfig } from "./gpt-config.js";
export { gptHidden, gptLogits, gptLoss } from "./gpt-forward.js";
export { gptWeightShapes, gptWeightsFrom, initGptWeights, type GptWeights } from "./gpt-weights.js";
export { readSafetensors, writeSafetensors, type F32Tensor } from "./safetensors.js";
export { evaluateLm, type LmEvaluation } from "./evaluate-lm.js";
export { CHECKPOINT_DIR, loadLmCheckpoint, type LmCheckpoint } from "./lm-checkpoint.js";
export { learningRateAt, type RateSchedule } from "./scheduled-adam.js";
export { trainLm, type LmProgress, type TrainedLm, type TrainLmOptions } from "./train-lm.js";
export { GREEDY, chooseToken, tokenProbabilities, type SamplingSettings } from "./choose-token.js";
export { generateLm, type GenerateOptions } from "./generate-lm.js";
export {
  LM_CORPORA,
  loadLmCorpus,
  splitLmCorpus,
  type LmCorpus,
  type LmSplit,
} from "./lm-corpus.js";
export { END_OF_TEXT, LM_FILES, readLmFolder, writeLmFolder, type LmFolder } from "./lm-folder.js";
export {
  DEFAULT_LM_SIZE,
  trainLanguageModel,
  type LmSize,
  type TrainedLanguageModel,
  type TrainLanguageModelOptions,
} from "./train-language-model.js";
export { LmInputError } from "./lm-input-error.js";
export { exportGptOnnx } from "./export-gpt-onnx.js";
export type { GptWeightValues } from "./gpt-onnx-body.js";
export {
  GPT_ONNX_CONFIG_KEY,
  GPT_ONNX_DIMS,
  GPT_ONNX_GENERATION_KEY,
  GPT_ONNX_NAMES,
  GPT_ONNX_TOKENIZER_KEY,
  gptPastName,
  gptPresentName,
} from "./gpt-onnx-format.js";
export { printableText } from "./printable-text.js";
export { TokenTextStream } from "./token-text-stream.js";
export { readLmOnnxMetadata, type LmOnnxMetadata } from "./read-lm-onnx-metadata.js";
export {
  GenerationEngine,
  createGenerationEngine,
  type GenerationEngineOptions,
} from "./generation-engine.js";
export type {
  FinishReason,
  GenerationRequest,
  GenerationResult,
  OnText,
} from "./generation-types.js";
export {
  CLASSIFIER_HEAD,
  classifierBatch,
  classifierTokens,
  gptClassifierLogits,
  type ClassifierBatch,
} from "./gpt-classifier.js";
export {
  lmClassifierProbabilities,
  trainLmClassifier,
  type LmClassifierEpoch,
  type LmClassifierExamples,
  type TrainedLmClassifier,
  type TrainLmClassifierOptions,
} from "./train-lm-classifier.js";
export {
  exportGptClassifierOnnx,
  type GptClassifierOnnxSpec,
} from "./export-gpt-classifier-onnx.js";
export { writeLmClassifierFolder, type LmClassifierFolder } from "./lm-classifier-folder.js";
export { runGptClassifierOnnx } from "./run-gpt-classifier-onnx.js";
