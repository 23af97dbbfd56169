/**
 * Tensor names and symbolic dimensions of an exported decoder, in the layout
 * Hugging Face Optimum gives a decoder exported with past keys and values
 * (`optimum/exporters/onnx/config.py`, `TextDecoderWithPositionIdsOnnxConfig`),
 * so that runtimes built for Optimum's files (transformers.js, optimum's
 * `ORTModelForCausalLM`) find their inputs and outputs by the names they expect.
 */
export const GPT_ONNX_NAMES = {
  inputIds: "input_ids",
  attentionMask: "attention_mask",
  positionIds: "position_ids",
  logits: "logits",
  /** The final layer norm's output, before the tied output layer: what embeddings are pooled from. */
  lastHiddenState: "last_hidden_state",
} as const;

/** The input holding layer `layer`'s keys or values from earlier calls. */
export function gptPastName(layer: number, kind: "key" | "value"): string {
  return `past_key_values.${layer}.${kind}`;
}

/** The output holding layer `layer`'s keys or values for the past and the new tokens. */
export function gptPresentName(layer: number, kind: "key" | "value"): string {
  return `present.${layer}.${kind}`;
}

/** Optimum's names for the dynamic axes. */
export const GPT_ONNX_DIMS = {
  batch: "batch_size",
  sequence: "sequence_length",
  past: "past_sequence_length",
  total: "past_sequence_length + sequence_length",
} as const;

/** The `metadata_props` key that holds the decoder's configuration as JSON. */
export const GPT_ONNX_CONFIG_KEY = "gatehouse.gpt_config";

/** The `metadata_props` key that holds the tokenizer, as tokenizer.json holds it. */
export const GPT_ONNX_TOKENIZER_KEY = "gatehouse.tokenizer";

/** The `metadata_props` key that holds the generation settings, as generation_config.json holds them. */
export const GPT_ONNX_GENERATION_KEY = "gatehouse.generation_config";
