import type { GraphParts } from "../onnx/dense-head.js";
import { floatAttribute, floatTensor, intAttribute, node } from "../onnx/proto-builders.js";
import type { GptConfig } from "./gpt-config.js";
import { addAttention } from "./gpt-onnx-attention.js";

/** GPT-2's layer-norm epsilon, as the tfjs forward pass uses it. */
const LAYER_NORM_EPSILON = 1e-5;

/** Emits a layer norm over the last axis with the gain and bias initializers `${prefix}.weight` / `.bias`. */
export function addLayerNorm(input: string, prefix: string, parts: GraphParts): string {
  const out = `${prefix}.out`;
  parts.nodes.push(
    node(
      "LayerNormalization",
      [input, `${prefix}.weight`, `${prefix}.bias`],
      [out],
      [intAttribute("axis", -1), floatAttribute("epsilon", LAYER_NORM_EPSILON)],
    ),
  );
  return out;
}

/**
 * Emits GPT-2's MLP on `normed`: c_fc, the tanh approximation of GELU
 * (opset 17 has no Gelu operator), c_proj. Returns its output's name.
 */
function addMlp(layer: number, normed: string, parts: GraphParts): string {
  const p = `h.${layer}.mlp`;
  parts.initializers.push(
    floatTensor(`${p}.gelu_cubic`, [], [0.044715]),
    floatTensor(`${p}.gelu_scale`, [], [Math.sqrt(2 / Math.PI)]),
    floatTensor(`${p}.one`, [], [1]),
    floatTensor(`${p}.half`, [], [0.5]),
  );
  parts.nodes.push(
    node("MatMul", [normed, `${p}.c_fc.weight`], [`${p}.fc_product`]),
    node("Add", [`${p}.fc_product`, `${p}.c_fc.bias`], [`${p}.fc`]),
    node("Mul", [`${p}.fc`, `${p}.fc`], [`${p}.square`]),
    node("Mul", [`${p}.square`, `${p}.fc`], [`${p}.cube`]),
    node("Mul", [`${p}.cube`, `${p}.gelu_cubic`], [`${p}.cube_scaled`]),
    node("Add", [`${p}.fc`, `${p}.cube_scaled`], [`${p}.inner_sum`]),
    node("Mul", [`${p}.inner_sum`, `${p}.gelu_scale`], [`${p}.inner`]),
    node("Tanh", [`${p}.inner`], [`${p}.tanh`]),
    node("Add", [`${p}.tanh`, `${p}.one`], [`${p}.gate`]),
    node("Mul", [`${p}.fc`, `${p}.half`], [`${p}.half_fc`]),
    node("Mul", [`${p}.half_fc`, `${p}.gate`], [`${p}.gelu`]),
    node("MatMul", [`${p}.gelu`, `${p}.c_proj.weight`], [`${p}.proj_product`]),
    node("Add", [`${p}.proj_product`, `${p}.c_proj.bias`], [`${p}.out`]),
  );
  return `${p}.out`;
}

/**
 * Emits decoder block `layer` on the residual stream `x`: pre-norm attention
 * (over past keys and values too with `cache`) and pre-norm MLP, each added
 * back. Returns the stream's new name.
 */
export function addBlock(
  config: GptConfig,
  layer: number,
  x: string,
  allowed: string,
  parts: GraphParts,
  cache: boolean,
): string {
  const h = `h.${layer}`;
  const normed = addLayerNorm(x, `${h}.ln_1`, parts);
  const attended = addAttention(config, layer, normed, allowed, parts, cache);
  parts.nodes.push(node("Add", [x, attended], [`${h}.after_attn`]));
  const mlp = addMlp(layer, addLayerNorm(`${h}.after_attn`, `${h}.ln_2`, parts), parts);
  parts.nodes.push(node("Add", [`${h}.after_attn`, mlp], [`${h}.out`]));
  return `${h}.out`;
}
