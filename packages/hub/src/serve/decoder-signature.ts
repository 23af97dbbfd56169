import { GPT_ONNX_NAMES, gptPastName } from "@gatehouse/ml/generation";
import type { ModelSignature } from "./tensor-types.js";

/**
 * Whether a model is a decoder exported for generation with past keys and
 * values (Optimum's decoder-with-past names, as `train lm` exports it): the
 * hub then serves it through the OpenAI-compatible API, not OIP.
 */
export function isDecoder(signature: ModelSignature): boolean {
  const inputs = new Set(signature.inputs.map((t) => t.name));
  return (
    inputs.has(GPT_ONNX_NAMES.inputIds) &&
    inputs.has(gptPastName(0, "key")) &&
    signature.outputs.some((t) => t.name === GPT_ONNX_NAMES.logits)
  );
}
