import type { OnnxTextPreprocessing } from "./export-spec.js";
import { ONNX_METADATA_KEYS } from "./onnx-format.js";
import { OnnxError } from "./onnx-error.js";
import type { OnnxModelInfo } from "./read-onnx-model-info.js";

/** A text model's `text_preprocessing` metadata: the tokenizer rule and the encoding settings. */
export interface OnnxTextPreprocessingInfo extends OnnxTextPreprocessing {
  /** Name of the token rule, e.g. `ONNX_TEXT_TOKENIZER`. */
  readonly tokenizer: string;
  /** Whether text is lower-cased before it is split into tokens. */
  readonly lowercase: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads how raw text becomes a text model's token ids from the file's `text_preprocessing`
 * metadata entry. Throws {@link OnnxError} when the entry is missing or malformed.
 *
 * @example
 * ```ts
 * const model = await openOnnxModel("spam.onnx");
 * const ids = encodeTexts(["win money now"], readTextPreprocessing(model.metadata));
 * ```
 */
export function readTextPreprocessing(
  info: Pick<OnnxModelInfo, "metadataProps">,
): OnnxTextPreprocessingInfo {
  const key = ONNX_METADATA_KEYS.textPreprocessing;
  const raw = info.metadataProps[key];
  if (raw === undefined) {
    throw new OnnxError(
      `the model has no "${key}" metadata entry; it is not a text model exported by exportTextOnnx`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new OnnxError(
      `metadata "${key}" is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const bad = (field: string, expected: string) =>
    new OnnxError(`metadata "${key}": ${field} must be ${expected}`);
  if (!isRecord(parsed)) {
    throw bad("the value", "a JSON object");
  }
  const { tokenizer, lowercase, vocabulary, sequenceLength, padding, truncating } = parsed;
  if (typeof tokenizer !== "string") {
    throw bad("tokenizer", "a string");
  }
  if (typeof lowercase !== "boolean") {
    throw bad("lowercase", "true or false");
  }
  if (!Array.isArray(vocabulary) || !vocabulary.every((t) => typeof t === "string")) {
    throw bad("vocabulary", "an array of strings");
  }
  if (
    typeof sequenceLength !== "number" ||
    !Number.isInteger(sequenceLength) ||
    sequenceLength < 1
  ) {
    throw bad("sequenceLength", "a positive integer");
  }
  if (padding !== "pre" && padding !== "post") {
    throw bad("padding", '"pre" or "post"');
  }
  if (truncating !== "pre" && truncating !== "post") {
    throw bad("truncating", '"pre" or "post"');
  }
  return { tokenizer, lowercase, vocabulary, sequenceLength, padding, truncating };
}
