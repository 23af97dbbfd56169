import { addClassifierHead, addLayers, BATCH } from "./dense-head.js";
import type { GraphParts } from "./dense-head.js";
import type { OnnxExportSpec } from "./export-spec.js";
import { TensorProto_DataType } from "./gen/onnx/onnx_pb.js";
import type { ValueInfoProto } from "./gen/onnx/onnx_pb.js";
import { ONNX_METADATA_KEYS, ONNX_TENSOR_NAMES } from "./onnx-format.js";
import { modelBytes } from "./model-bytes.js";
import { floatTensor, int64Tensor, intAttribute, node, tensorValueInfo } from "./proto-builders.js";
import { validateExportSpec } from "./validate-export-spec.js";
import type { ValidatedLayout } from "./validate-export-spec.js";

/** Emits the fitted preprocessing and returns the name of the tensor the first layer reads. */
function addPreprocessing(
  spec: OnnxExportSpec,
  layout: ValidatedLayout,
  parts: GraphParts,
): string {
  const { nodes, initializers } = parts;
  const { numericColumns, oneHotColumns, featureCount } = layout;
  const scaler = spec.preprocessing.scaler;
  const blocks: string[] = [];

  if (numericColumns.length > 0) {
    let numeric: string = ONNX_TENSOR_NAMES.features;
    if (numericColumns.length !== featureCount) {
      initializers.push(int64Tensor("numeric_columns", [numericColumns.length], numericColumns));
      nodes.push(
        node("Gather", [numeric, "numeric_columns"], ["numeric_raw"], [intAttribute("axis", 1)]),
      );
      numeric = "numeric_raw";
    }
    if (scaler !== undefined) {
      const n = numericColumns.length;
      if (scaler.kind === "standard") {
        initializers.push(floatTensor("scaler_mean", [n], scaler.mean));
        initializers.push(floatTensor("scaler_scale", [n], scaler.scale));
        nodes.push(node("Sub", [numeric, "scaler_mean"], ["numeric_centred"]));
        nodes.push(node("Div", ["numeric_centred", "scaler_scale"], ["numeric_scaled"]));
      } else {
        initializers.push(floatTensor("scaler_scale", [n], scaler.scale));
        initializers.push(floatTensor("scaler_min", [n], scaler.min));
        nodes.push(node("Mul", [numeric, "scaler_scale"], ["numeric_multiplied"]));
        nodes.push(node("Add", ["numeric_multiplied", "scaler_min"], ["numeric_scaled"]));
      }
      numeric = "numeric_scaled";
    }
    blocks.push(numeric);
  }

  oneHotColumns.forEach(({ column, categories }, i) => {
    const prefix = `onehot${i}`;
    initializers.push(int64Tensor(`${prefix}_column`, [1], [column]));
    initializers.push(floatTensor(`${prefix}_categories`, [categories.length], categories));
    nodes.push(
      node(
        "Gather",
        [ONNX_TENSOR_NAMES.features, `${prefix}_column`],
        [`${prefix}_code`],
        [intAttribute("axis", 1)],
      ),
    );
    // [N,1] == [k] broadcasts to [N,k]: exact for integer codes, and an unknown code gives all zeros.
    nodes.push(node("Equal", [`${prefix}_code`, `${prefix}_categories`], [`${prefix}_match`]));
    nodes.push(
      node(
        "Cast",
        [`${prefix}_match`],
        [`${prefix}_indicators`],
        [intAttribute("to", TensorProto_DataType.FLOAT)],
      ),
    );
    blocks.push(`${prefix}_indicators`);
  });

  if (blocks.length === 1 && blocks[0] !== undefined) {
    return blocks[0];
  }
  nodes.push(node("Concat", blocks, ["preprocessed"], [intAttribute("axis", 1)]));
  return "preprocessed";
}

/**
 * Serialises a dense model and its fitted preprocessing to ONNX bytes (opset 17, IR 8).
 *
 * The graph reads raw rows from the float32 input `features` of shape `[N, F]` (`F` =
 * `preprocessing.featureNames.length`), applies the one-hot encoding and scaling, then the
 * layers. Regressors output `prediction` `[N, outputSize]`; classifiers output `probabilities`
 * `[N, k]` and `label` (int64 `[N]`, index into `classes`). The same spec always gives the same
 * bytes. Throws {@link OnnxError} when the spec is inconsistent.
 */
export function exportOnnx(spec: OnnxExportSpec): Uint8Array {
  const layout = validateExportSpec(spec);
  const parts: GraphParts = { nodes: [], initializers: [] };
  const input = addPreprocessing(spec, layout, parts);
  let outputs: ValueInfoProto[];
  if (layout.isClassifier) {
    outputs = addClassifierHead(spec.layers, spec.classes?.length ?? 0, input, parts);
  } else {
    addLayers(spec.layers, input, ONNX_TENSOR_NAMES.prediction, parts);
    const outputSize = spec.layers[spec.layers.length - 1]?.outputSize ?? 1;
    outputs = [
      tensorValueInfo(ONNX_TENSOR_NAMES.prediction, TensorProto_DataType.FLOAT, [
        BATCH,
        outputSize,
      ]),
    ];
  }
  return modelBytes({
    kind: spec.kind,
    parts,
    inputs: [
      tensorValueInfo(ONNX_TENSOR_NAMES.features, TensorProto_DataType.FLOAT, [
        BATCH,
        layout.featureCount,
      ]),
    ],
    outputs,
    metadata: spec.metadata,
    entries: [
      ...(spec.classes === undefined
        ? []
        : [{ key: ONNX_METADATA_KEYS.classLabels, value: JSON.stringify(spec.classes) }]),
      {
        key: ONNX_METADATA_KEYS.featureNames,
        value: JSON.stringify(spec.preprocessing.featureNames),
      },
      { key: ONNX_METADATA_KEYS.modelKind, value: spec.kind },
    ],
  });
}
