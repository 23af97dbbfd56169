export type {
  OnnxActivation,
  OnnxDenseLayer,
  OnnxExportMetadata,
  OnnxExportSpec,
  OnnxModelKind,
  OnnxOneHot,
  OnnxPreprocessing,
  OnnxScaler,
} from "./export-spec.js";
export { exportOnnx } from "./export-onnx.js";
export { OnnxError } from "./onnx-error.js";
export {
  ONNX_IR_VERSION,
  ONNX_METADATA_KEYS,
  ONNX_OPSET,
  ONNX_PRODUCER_NAME,
  ONNX_TENSOR_NAMES,
  ONNX_TEXT_TOKENIZER,
} from "./onnx-format.js";
export { openOnnxModel } from "./open-onnx-model.js";
export type {
  OnnxModel,
  OnnxOutput,
  OnnxRunInput,
  OpenOnnxModelOptions,
} from "./open-onnx-model.js";
export { readOnnxModelInfo } from "./read-onnx-model-info.js";
export type { OnnxModelInfo, OnnxValueInfo } from "./read-onnx-model-info.js";
export type {
  OnnxEmbedding,
  OnnxLstm,
  OnnxTextExportSpec,
  OnnxTextPreprocessing,
} from "./export-spec.js";
export { exportTextOnnx } from "./export-text-onnx.js";
export { readTextPreprocessing } from "./read-text-preprocessing.js";
export type { OnnxTextPreprocessingInfo } from "./read-text-preprocessing.js";
export { encodeTexts } from "./encode-texts.js";
