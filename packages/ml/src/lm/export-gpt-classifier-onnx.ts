import * as tf from "@tensorflow/tfjs";
import { addClassifierHead, BATCH, type GraphParts } from "../onnx/dense-head.js";
import type { OnnxExportMetadata } from "../onnx/export-spec.js";
import { TensorProto_DataType } from "../onnx/gen/onnx/onnx_pb.js";
import { modelBytes } from "../onnx/model-bytes.js";
import { ONNX_METADATA_KEYS } from "../onnx/onnx-format.js";
import {
  floatTensor,
  int64Tensor,
  intAttribute,
  node,
  tensorValueInfo,
} from "../onnx/proto-builders.js";
import { CLASSIFIER_HEAD } from "./gpt-classifier.js";
import { checkGptConfig, type GptConfig } from "./gpt-config.js";
import { addGptBody, gptConfigProp, type GptWeightValues } from "./gpt-onnx-body.js";
import { GPT_ONNX_DIMS, GPT_ONNX_NAMES, GPT_ONNX_TOKENIZER_KEY } from "./gpt-onnx-format.js";

/** The model kind the file records, as the toolkit's other exports record theirs. */
const KIND = "gpt-classifier";

/** What a classifier's export needs besides the decoder's configuration. */
export interface GptClassifierOnnxSpec {
  readonly config: GptConfig;
  /** The body's weights under GPT-2's names and the head's under `CLASSIFIER_HEAD`'s. */
  readonly weights: ReadonlyMap<string, GptWeightValues>;
  readonly classes: readonly string[];
  /** The base's tokenizer as tokenizer.json holds it: how texts become `input_ids`. */
  readonly tokenizerJson: string;
  readonly metadata: OnnxExportMetadata;
}

/**
 * Position ids from the mask: each real token's place among the real tokens
 * of its row, so that a left-padded row gets the positions it gets alone.
 */
function addPositions(parts: GraphParts): void {
  parts.initializers.push(
    int64Tensor("positions.axis", [], [1]),
    int64Tensor("positions.one", [], [1]),
    int64Tensor("positions.zero", [], [0]),
  );
  parts.nodes.push(
    node("CumSum", [GPT_ONNX_NAMES.attentionMask, "positions.axis"], ["positions.count"]),
    node("Sub", ["positions.count", "positions.one"], ["positions.from_zero"]),
    node("Max", ["positions.from_zero", "positions.zero"], [GPT_ONNX_NAMES.positionIds]),
  );
}

/** The mean of `hidden` [batch, sequence, width] over each row's real tokens, as `gptClassifierLogits` pools. */
function addMeanPooling(hidden: string, parts: GraphParts): string {
  parts.initializers.push(
    int64Tensor("pool.axis_1", [1], [1]),
    int64Tensor("pool.axis_2", [1], [2]),
    floatTensor("pool.one", [], [1]),
  );
  parts.nodes.push(
    node(
      "Cast",
      [GPT_ONNX_NAMES.attentionMask],
      ["pool.mask"],
      [intAttribute("to", TensorProto_DataType.FLOAT)],
    ),
    node("Unsqueeze", ["pool.mask", "pool.axis_2"], ["pool.mask_3d"]),
    node("Mul", [hidden, "pool.mask_3d"], ["pool.kept"]),
    node("ReduceSum", ["pool.kept", "pool.axis_1"], ["pool.sum"], [intAttribute("keepdims", 0)]),
    node("ReduceSum", ["pool.mask", "pool.axis_1"], ["pool.count"], [intAttribute("keepdims", 1)]),
    node("Max", ["pool.count", "pool.one"], ["pool.divisor"]),
    node("Div", ["pool.sum", "pool.divisor"], ["pool.out"]),
  );
  return "pool.out";
}

/** A head weight's values, row-major. */
function headValues(weights: ReadonlyMap<string, GptWeightValues>, name: string): Float32Array {
  const values = weights.get(name);
  if (values === undefined) {
    throw new Error(`the weights have no ${name}; a classifier needs its head`);
  }
  return values instanceof tf.Tensor ? (values.dataSync() as Float32Array) : values;
}

/**
 * Serialises a decoder with a classification head as one ONNX model
 * (opset 17): inputs `input_ids` and `attention_mask` (int64 [batch,
 * sequence], 0 for padding, on either side), outputs `probabilities`
 * (float32 [batch, classes]) and `label` (int64 [batch]), as the toolkit's
 * other classifiers. The body is the generation export's, without past keys
 * and values; positions are counted from the mask. The metadata holds the
 * class labels, the decoder's configuration and the tokenizer, so the file
 * alone turns text into a class.
 *
 * @example
 * ```ts
 * const bytes = exportGptClassifierOnnx({ config, weights, classes: ["ham", "spam"], tokenizerJson, metadata });
 * ```
 */
export function exportGptClassifierOnnx(spec: GptClassifierOnnxSpec): Uint8Array {
  const config = checkGptConfig(spec.config);
  const classCount = spec.classes.length;
  const weight = headValues(spec.weights, CLASSIFIER_HEAD.weight);
  const bias = headValues(spec.weights, CLASSIFIER_HEAD.bias);
  if (weight.length !== config.width * classCount || bias.length !== classCount) {
    throw new RangeError(
      `the head has ${weight.length} weights and ${bias.length} biases; ${classCount} classes on width ${config.width} need ${config.width * classCount} and ${classCount}`,
    );
  }
  const parts: GraphParts = { nodes: [], initializers: [] };
  addPositions(parts);
  const pooled = addMeanPooling(addGptBody(config, spec.weights, parts, { cache: false }), parts);
  const outputs = addClassifierHead(
    [
      {
        inputSize: config.width,
        outputSize: classCount,
        weights: weight,
        bias,
        activation: "softmax",
      },
    ],
    classCount,
    pooled,
    parts,
  );
  return modelBytes({
    kind: KIND,
    parts,
    inputs: [GPT_ONNX_NAMES.inputIds, GPT_ONNX_NAMES.attentionMask].map((name) =>
      tensorValueInfo(name, TensorProto_DataType.INT64, [BATCH, GPT_ONNX_DIMS.sequence]),
    ),
    outputs,
    metadata: spec.metadata,
    entries: [
      { key: ONNX_METADATA_KEYS.classLabels, value: JSON.stringify(spec.classes) },
      { key: ONNX_METADATA_KEYS.modelKind, value: KIND },
      gptConfigProp(config),
      { key: GPT_ONNX_TOKENIZER_KEY, value: spec.tokenizerJson },
    ],
  });
}
