import { padSequences, tokenize, Vocabulary } from "../data/index.js";
import { ONNX_TEXT_TOKENIZER } from "./onnx-format.js";
import { OnnxError } from "./onnx-error.js";
import type { OnnxTextPreprocessingInfo } from "./read-text-preprocessing.js";

/**
 * Turns raw texts into the token ids a text model exported by `exportTextOnnx` reads:
 * row-major, `preprocessing.sequenceLength` ids per text, ready for `OnnxModel.run`. Throws
 * {@link OnnxError} when the file names a tokenizer rule this version does not know.
 *
 * @example
 * ```ts
 * const pre = readTextPreprocessing(model.metadata);
 * const { probabilities } = await model.run(encodeTexts(texts, pre), texts.length);
 * ```
 */
export function encodeTexts(
  texts: readonly string[],
  preprocessing: OnnxTextPreprocessingInfo,
): Int32Array {
  if (preprocessing.tokenizer !== ONNX_TEXT_TOKENIZER || !preprocessing.lowercase) {
    throw new OnnxError(
      `the model's text was tokenized with ${JSON.stringify(preprocessing.tokenizer)} (lowercase ${preprocessing.lowercase}); only ${JSON.stringify(ONNX_TEXT_TOKENIZER)} with lowercase true is supported`,
    );
  }
  let vocabulary: Vocabulary;
  try {
    vocabulary = Vocabulary.fromTokens(preprocessing.vocabulary, tokenize);
  } catch (error) {
    throw new OnnxError(
      `the model's vocabulary is unusable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return padSequences(
    texts.map((text) => vocabulary.encode(text)),
    {
      maxLen: preprocessing.sequenceLength,
      padding: preprocessing.padding,
      truncating: preprocessing.truncating,
    },
  ).data;
}
