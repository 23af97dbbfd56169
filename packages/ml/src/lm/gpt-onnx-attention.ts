import type { GraphParts } from "../onnx/dense-head.js";
import { TensorProto_DataType } from "../onnx/gen/onnx/onnx_pb.js";
import {
  floatTensor,
  int64Tensor,
  intAttribute,
  intsAttribute,
  node,
} from "../onnx/proto-builders.js";
import type { GptConfig } from "./gpt-config.js";
import { GPT_ONNX_NAMES, gptPastName, gptPresentName } from "./gpt-onnx-format.js";

/** What a masked score is replaced with: finite, so that a row of padding alone still softmaxes to numbers. */
const MASKED_SCORE = -1e9;

/**
 * Emits which keys each new token may attend to, as a bool tensor
 * [batch, 1, sequence, past + sequence], and returns its name. A new token at
 * index j sees every key up to and including its own place, past + j
 * (causal), and only keys whose `attention_mask` is 1, so that a batch of
 * left-padded sequences gives each sequence the logits it gets alone.
 */
export function addAttentionAllowed(parts: GraphParts): string {
  const { nodes, initializers } = parts;
  initializers.push(
    int64Tensor("mask.zero", [], [0]),
    int64Tensor("mask.one", [], [1]),
    int64Tensor("mask.axis_1", [1], [1]),
    int64Tensor("mask.axes_1_2", [2], [1, 2]),
  );
  nodes.push(
    node("Shape", [GPT_ONNX_NAMES.attentionMask], ["mask.shape"]),
    node("Gather", ["mask.shape", "mask.one"], ["mask.total"], [intAttribute("axis", 0)]),
    node("Shape", [GPT_ONNX_NAMES.inputIds], ["mask.ids_shape"]),
    node("Gather", ["mask.ids_shape", "mask.one"], ["mask.sequence"], [intAttribute("axis", 0)]),
    node("Sub", ["mask.total", "mask.sequence"], ["mask.past"]),
    node("Range", ["mask.zero", "mask.total", "mask.one"], ["mask.key_places"]),
    node("Range", ["mask.past", "mask.total", "mask.one"], ["mask.query_places"]),
    node("Unsqueeze", ["mask.query_places", "mask.axis_1"], ["mask.query_column"]),
    node("LessOrEqual", ["mask.key_places", "mask.query_column"], ["mask.causal"]),
    node(
      "Cast",
      [GPT_ONNX_NAMES.attentionMask],
      ["mask.kept"],
      [intAttribute("to", TensorProto_DataType.BOOL)],
    ),
    node("Unsqueeze", ["mask.kept", "mask.axes_1_2"], ["mask.kept_4d"]),
    node("And", ["mask.causal", "mask.kept_4d"], ["mask.allowed"]),
  );
  return "mask.allowed";
}

/**
 * Emits layer `layer`'s multi-head attention on `normed` [batch, sequence,
 * width] and returns the name of its output projection, before the residual
 * add. With `cache`, the new keys and values are appended to the layer's past
 * ones and given out as its `present` outputs, [batch, heads, past +
 * sequence, head size]; without, the new tokens attend to each other alone.
 */
export function addAttention(
  config: GptConfig,
  layer: number,
  normed: string,
  allowed: string,
  parts: GraphParts,
  cache: boolean,
): string {
  const { nodes, initializers } = parts;
  const { heads, width } = config;
  const headSize = width / heads;
  const p = `h.${layer}.attn`;
  initializers.push(
    int64Tensor(`${p}.split_sizes`, [3], [width, width, width]),
    // 0 in a Reshape target copies the input's size there: batch and sequence stay dynamic.
    int64Tensor(`${p}.heads_shape`, [4], [0, 0, heads, headSize]),
    int64Tensor(`${p}.merged_shape`, [3], [0, 0, width]),
    floatTensor(`${p}.scale`, [], [1 / Math.sqrt(headSize)]),
    floatTensor(`${p}.masked`, [], [MASKED_SCORE]),
  );
  const toHeads = (name: string, out: string): void => {
    nodes.push(
      node("Reshape", [name, `${p}.heads_shape`], [`${out}_split`]),
      node("Transpose", [`${out}_split`], [out], [intsAttribute("perm", [0, 2, 1, 3])]),
    );
  };
  nodes.push(
    node("MatMul", [normed, `${p}.c_attn.weight`], [`${p}.qkv_product`]),
    node("Add", [`${p}.qkv_product`, `${p}.c_attn.bias`], [`${p}.qkv`]),
    node(
      "Split",
      [`${p}.qkv`, `${p}.split_sizes`],
      [`${p}.q_flat`, `${p}.k_flat`, `${p}.v_flat`],
      [intAttribute("axis", -1)],
    ),
  );
  toHeads(`${p}.q_flat`, `${p}.q`);
  toHeads(`${p}.k_flat`, `${p}.k_new`);
  toHeads(`${p}.v_flat`, `${p}.v_new`);
  const keys = cache ? gptPresentName(layer, "key") : `${p}.k_new`;
  const values = cache ? gptPresentName(layer, "value") : `${p}.v_new`;
  if (cache) {
    nodes.push(
      node("Concat", [gptPastName(layer, "key"), `${p}.k_new`], [keys], [intAttribute("axis", 2)]),
      node(
        "Concat",
        [gptPastName(layer, "value"), `${p}.v_new`],
        [values],
        [intAttribute("axis", 2)],
      ),
    );
  }
  nodes.push(
    node("Transpose", [keys], [`${p}.k_transposed`], [intsAttribute("perm", [0, 1, 3, 2])]),
    node("MatMul", [`${p}.q`, `${p}.k_transposed`], [`${p}.dot`]),
    node("Mul", [`${p}.dot`, `${p}.scale`], [`${p}.scores`]),
    node("Where", [allowed, `${p}.scores`, `${p}.masked`], [`${p}.scores_masked`]),
    node("Softmax", [`${p}.scores_masked`], [`${p}.weights`], [intAttribute("axis", -1)]),
    node("MatMul", [`${p}.weights`, values], [`${p}.heads_out`]),
    node(
      "Transpose",
      [`${p}.heads_out`],
      [`${p}.heads_back`],
      [intsAttribute("perm", [0, 2, 1, 3])],
    ),
    node("Reshape", [`${p}.heads_back`, `${p}.merged_shape`], [`${p}.attended`]),
    node("MatMul", [`${p}.attended`, `${p}.c_proj.weight`], [`${p}.proj_product`]),
    node("Add", [`${p}.proj_product`, `${p}.c_proj.bias`], [`${p}.out`]),
  );
  return `${p}.out`;
}
