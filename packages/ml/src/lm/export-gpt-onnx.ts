import { create, toBinary } from "@bufbuild/protobuf";
import type { GraphParts } from "../onnx/dense-head.js";
import {
  GraphProtoSchema,
  ModelProtoSchema,
  TensorProto_DataType,
} from "../onnx/gen/onnx/onnx_pb.js";
import { ONNX_IR_VERSION, ONNX_OPSET, ONNX_PRODUCER_NAME } from "../onnx/onnx-format.js";
import { int64Tensor, intAttribute, node, tensorValueInfo } from "../onnx/proto-builders.js";
import { checkGptConfig, type GptConfig } from "./gpt-config.js";
import { addGptBody, gptConfigProp, type GptWeightValues } from "./gpt-onnx-body.js";
import {
  GPT_ONNX_CONFIG_KEY,
  GPT_ONNX_DIMS,
  GPT_ONNX_NAMES,
  gptPastName,
  gptPresentName,
} from "./gpt-onnx-format.js";

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
  return [
    gptConfigProp(config),
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
  const parts: GraphParts = { nodes: [], initializers: [] };
  const hidden = addGptBody(config, weights, parts, { cache: true });
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
