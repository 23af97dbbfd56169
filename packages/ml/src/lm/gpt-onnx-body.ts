import * as tf from "@tensorflow/tfjs";
import type { GraphParts } from "../onnx/dense-head.js";
import type { TensorProto } from "../onnx/gen/onnx/onnx_pb.js";
import { floatTensor, intAttribute, node } from "../onnx/proto-builders.js";
import type { GptConfig } from "./gpt-config.js";
import { addAttentionAllowed } from "./gpt-onnx-attention.js";
import { addBlock, addLayerNorm } from "./gpt-onnx-block.js";
import { GPT_ONNX_CONFIG_KEY, GPT_ONNX_NAMES } from "./gpt-onnx-format.js";
import { gptWeightShapes } from "./gpt-weights.js";

/** A weight's values: a flat row-major array, or a tensor such as a trained `GptWeights` variable. */
export type GptWeightValues = Float32Array | tf.Tensor;

/** Every weight as an initializer under its GPT-2 name, each checked against the configuration's shape. */
function weightInitializers(
  config: GptConfig,
  weights: ReadonlyMap<string, GptWeightValues>,
): TensorProto[] {
  return gptWeightShapes(config).map(([name, shape]) => {
    const values = weights.get(name);
    if (values === undefined) {
      throw new Error(`the weights have no ${name}; a model of this configuration needs it`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (values instanceof tf.Tensor) {
      if (values.shape.join(",") !== shape.join(",")) {
        throw new RangeError(
          `weight ${name} has shape [${values.shape.join(", ")}]; a model of this configuration needs [${shape.join(", ")}]`,
        );
      }
      return floatTensor(name, shape, values.dataSync());
    }
    if (values.length !== size) {
      throw new RangeError(
        `weight ${name} has ${values.length} values; a model of this configuration needs ${size} ([${shape.join(", ")}])`,
      );
    }
    return floatTensor(name, shape, values);
  });
}

/** Embeddings of the tokens at their positions: the residual stream's start. */
function addEmbeddings(parts: GraphParts): string {
  parts.nodes.push(
    node("Gather", ["wte", GPT_ONNX_NAMES.inputIds], ["embed.tokens"], [intAttribute("axis", 0)]),
    node(
      "Gather",
      ["wpe", GPT_ONNX_NAMES.positionIds],
      ["embed.positions"],
      [intAttribute("axis", 0)],
    ),
    node("Add", ["embed.tokens", "embed.positions"], ["embed.out"]),
  );
  return "embed.out";
}

/** The `metadata_props` entry that records the decoder's configuration. */
export function gptConfigProp(config: GptConfig): { key: string; value: string } {
  const { vocabSize, contextSize, layers, heads, width } = config;
  return {
    key: GPT_ONNX_CONFIG_KEY,
    value: JSON.stringify({ vocabSize, contextSize, layers, heads, width }),
  };
}

/**
 * Emits the decoder's body into `parts`: the weights as initializers, the
 * embeddings of `input_ids` at `position_ids`, the blocks (attending over
 * past keys and values with `cache`, over the new tokens alone without) and
 * the final layer norm. Returns the name of the final hidden state [batch,
 * sequence, width], as `gptHidden` computes it.
 */
export function addGptBody(
  config: GptConfig,
  weights: ReadonlyMap<string, GptWeightValues>,
  parts: GraphParts,
  options: { readonly cache: boolean },
): string {
  parts.initializers.push(...weightInitializers(config, weights));
  const allowed = addAttentionAllowed(parts);
  let x = addEmbeddings(parts);
  for (let layer = 0; layer < config.layers; layer++) {
    x = addBlock(config, layer, x, allowed, parts, options.cache);
  }
  return addLayerNorm(x, "ln_f", parts);
}
