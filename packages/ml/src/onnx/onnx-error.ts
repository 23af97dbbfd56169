/**
 * Thrown when an export description is inconsistent, a file is not a usable ONNX model, or
 * data does not fit a model's input. The message names the offending item and what to change.
 */
export class OnnxError extends Error {
  override readonly name = "OnnxError";
}
