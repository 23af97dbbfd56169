import { create, toBinary } from "@bufbuild/protobuf";
import * as tf from "@tensorflow/tfjs";
import type { GraphParts } from "../onnx/dense-head.js";
import {
  GraphProtoSchema,
  ModelProtoSchema,
  TensorProto_DataType,
  type TensorProto,
} from "../onnx/gen/onnx/onnx_pb.js";
import { ONNX_IR_VERSION, ONNX_OPSET, ONNX_PRODUCER_NAME } from "../onnx/onnx-format.js";
import {
  floatTensor,
  int64Tensor,
  intAttribute,
  node,
  tensorValueInfo,
} from "../onnx/proto-builders.js";
import { checkGptConfig, type GptConfig } from "./gpt-config.js";
import { addAttentionAllowed } from "./gpt-onnx-attention.js";
import { addBlock, addLayerNorm } from "./gpt-onnx-block.js";
import {
  GPT_ONNX_CONFIG_KEY,
  GPT_ONNX_DIMS,
  GPT_ONNX_NAMES,
  gptPastName,
  gptPresentName,
} from "./gpt-onnx-format.js";
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

/**
 * The output layer, the token table tied: logits = h · wteᵀ. Gemm with
 * transB reads wte as stored, so the file and the session hold one copy.
 */
function addLogits(config: GptConfig, x: string, parts: GraphParts): void {
  parts.initializers.push(
    int64Tensor("head.rows_shape", [2], [-1, config.width]),
    int64Tensor("head.vocab", [1], [config.vocabSize]),
  );
  parts.nodes.push(
    node("Reshape", [x, "head.rows_shape"], ["head.rows"]),
    node("Gemm", ["head.rows", "wte"], ["head.logit_rows"], [intAttribute("transB", 1)]),
    node("Shape", [GPT_ONNX_NAMES.inputIds], ["head.ids_shape"]),
    node(
      "Concat",
      ["head.ids_shape", "head.vocab"],
      ["head.logits_shape"],
      [intAttribute("axis", 0)],
    ),
    node("Reshape", ["head.logit_rows", "head.logits_shape"], [GPT_ONNX_NAMES.logits]),
  );
}

/** The caller's metadata, sorted for the same bytes from the same call, after the configuration. */
function metadataProps(
  config: GptConfig,
  metadata: Readonly<Record<string, string>>,
): { key: string; value: string }[] {
  if (GPT_ONNX_CONFIG_KEY in metadata) {
    throw new Error(
      `metadata key ${GPT_ONNX_CONFIG_KEY} is written by the export from the configuration; remove it from the metadata`,
    );
  }
  const { vocabSize, contextSize, layers, heads, width } = config;
  return [
    {
      key: GPT_ONNX_CONFIG_KEY,
      value: JSON.stringify({ vocabSize, contextSize, layers, heads, width }),
    },
    ...Object.keys(metadata)
      .sort()
      .map((key) => ({ key, value: metadata[key] ?? "" })),
  ];
}

/**
 * Serialises a GPT decoder as one ONNX model (opset 17) for generation with
 * a cache of past keys and values, in Hugging Face Optimum's
 * decoder-with-past layout:
 *
 * - inputs `input_ids`, `position_ids` (int64 [batch, sequence]),
 *   `attention_mask` (int64 [batch, past + sequence], 0 for padding) and, for
 *   each layer i, `past_key_values.i.key` / `.value` (float32 [batch, heads,
 *   past, head size]; past may be 0 on the first call);
 * - outputs `logits` (float32 [batch, sequence, vocab]), `present.i.key` /
 *   `.value` (the past with the new tokens appended), fed back as the next
 *   call's past, and `last_hidden_state` (float32 [batch, sequence, width]),
 *   the final layer norm's output, from which embeddings are pooled.
 *
 * Attention is causal among the new tokens, sees every past token, and skips
 * keys whose mask is 0, so left-padded sequences batch together. Positions
 * index the position table, so they must stay below `contextSize`; the
 * runtime refuses a larger one. The
 * configuration is written to `metadata_props` as JSON under
 * `gatehouse.gpt_config`, followed by `metadata` (tokenizer, generation
 * settings, …) sorted by key. Throws, naming it, when a weight is missing or
 * of the wrong shape.
 *
 * @example
 * ```ts
 * const bytes = exportGptOnnx(config, weights, { "tokenizer.json": JSON.stringify(tokenizerJson) });
 * await writeFile("model.onnx", bytes);
 * ```
 */
export function exportGptOnnx(
  config: GptConfig,
  weights: ReadonlyMap<string, GptWeightValues>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  checkGptConfig(config);
  const props = metadataProps(config, metadata);
  const parts: GraphParts = { nodes: [], initializers: weightInitializers(config, weights) };
  const allowed = addAttentionAllowed(parts);
  let x = addEmbeddings(parts);
  for (let layer = 0; layer < config.layers; layer++) {
    x = addBlock(config, layer, x, allowed, parts);
  }
  const hidden = addLayerNorm(x, "ln_f", parts);
  parts.nodes.push(node("Identity", [hidden], [GPT_ONNX_NAMES.lastHiddenState]));
  addLogits(config, hidden, parts);

  const { batch, sequence, past, total } = GPT_ONNX_DIMS;
  const { FLOAT, INT64 } = TensorProto_DataType;
  const headSize = config.width / config.heads;
  const layers = Array.from({ length: config.layers }, (_, i) => i);
  const cache = (name: string, length: string) =>
    tensorValueInfo(name, FLOAT, [batch, config.heads, length, headSize]);
  const graph = create(GraphProtoSchema, {
    name: "gpt_decoder_with_past",
    node: parts.nodes,
    initializer: parts.initializers,
    input: [
      tensorValueInfo(GPT_ONNX_NAMES.inputIds, INT64, [batch, sequence]),
      tensorValueInfo(GPT_ONNX_NAMES.attentionMask, INT64, [batch, total]),
      tensorValueInfo(GPT_ONNX_NAMES.positionIds, INT64, [batch, sequence]),
      ...layers.flatMap((i) => [
        cache(gptPastName(i, "key"), past),
        cache(gptPastName(i, "value"), past),
      ]),
    ],
    output: [
      tensorValueInfo(GPT_ONNX_NAMES.logits, FLOAT, [batch, sequence, config.vocabSize]),
      ...layers.flatMap((i) => [
        cache(gptPresentName(i, "key"), total),
        cache(gptPresentName(i, "value"), total),
      ]),
      tensorValueInfo(GPT_ONNX_NAMES.lastHiddenState, FLOAT, [batch, sequence, config.width]),
    ],
  });
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    opsetImport: [{ domain: "", version: BigInt(ONNX_OPSET) }],
    producerName: ONNX_PRODUCER_NAME,
    graph,
    metadataProps: props,
  });
  return toBinary(ModelProtoSchema, model);
}
