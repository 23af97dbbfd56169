export { BYTE_CHARS, fromByteChars, splitWords, toByteChars } from "./byte-level.js";
export { BpeTokenizer } from "./bpe-tokenizer.js";
export { fromTokenizerJson, toTokenizerJson, type TokenizerJson } from "./tokenizer-json.js";
export { MAX_VOCAB_SIZE, trainBpe, type BpeVocabulary, type TrainBpeOptions } from "./train-bpe.js";
