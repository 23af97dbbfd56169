/**
 * Opset 17 (ONNX 1.12) rather than the newest: the operators used here behave the same on
 * float and int64 tensors in later opsets, and an older opset keeps files loadable by older
 * runtimes.
 */
export const ONNX_OPSET = 17;

/** The IR version that ONNX 1.12 pairs with opset 17. */
export const ONNX_IR_VERSION = 8;

/** Value of the model's `producer_name`. */
export const ONNX_PRODUCER_NAME = "gatehouse";

/** Keys of the `metadata_props` entries the exporter writes. */
export const ONNX_METADATA_KEYS = {
  licence: "licence",
  cardUrl: "card_url",
  classLabels: "class_labels",
  featureNames: "feature_names",
  modelKind: "model_kind",
  textPreprocessing: "text_preprocessing",
} as const;

/** Names of the exported graph's input and outputs. */
export const ONNX_TENSOR_NAMES = {
  features: "features",
  tokenIds: "token_ids",
  prediction: "prediction",
  probabilities: "probabilities",
  label: "label",
} as const;

/**
 * Name of the text tokenizer rule text models are exported with: lower-case, then runs of
 * Unicode letters, digits and `_`, joined across an inner `'` or `’` (`tokenize` in the data
 * module). A new rule gets a new name, so that a file always says how its ids were made.
 */
export const ONNX_TEXT_TOKENIZER = "gatehouse-words-v1";
