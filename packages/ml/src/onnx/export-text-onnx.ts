import { addLstm } from "./add-lstm.js";
import { addClassifierHead, BATCH } from "./dense-head.js";
import type { GraphParts } from "./dense-head.js";
import type { OnnxTextExportSpec } from "./export-spec.js";
import { TensorProto_DataType } from "./gen/onnx/onnx_pb.js";
import { modelBytes } from "./model-bytes.js";
import { ONNX_METADATA_KEYS, ONNX_TENSOR_NAMES, ONNX_TEXT_TOKENIZER } from "./onnx-format.js";
import { OnnxError } from "./onnx-error.js";
import {
  floatTensor,
  intAttribute,
  intsAttribute,
  node,
  tensorValueInfo,
} from "./proto-builders.js";
import type { OnnxTextPreprocessingInfo } from "./read-text-preprocessing.js";
import {
  checkLength,
  validateClassifierLayers,
  validateLayers,
  validateMetadata,
} from "./validate-export-spec.js";

function validateTextSpec(spec: OnnxTextExportSpec): void {
  validateMetadata(spec.metadata);
  const { vocabulary, sequenceLength, padding, truncating } = spec.preprocessing;
  if (vocabulary[0] !== "<pad>" || vocabulary[1] !== "<oov>") {
    throw new OnnxError(
      `preprocessing.vocabulary must start with "<pad>" and "<oov>" (Vocabulary.tokens), got ${JSON.stringify(vocabulary.slice(0, 2))}`,
    );
  }
  if (new Set(vocabulary).size !== vocabulary.length) {
    throw new OnnxError("preprocessing.vocabulary has a repeated token; tokens must be unique");
  }
  if (!Number.isInteger(sequenceLength) || sequenceLength < 1) {
    throw new OnnxError(
      `preprocessing.sequenceLength is ${sequenceLength}; expected a positive integer`,
    );
  }
  for (const [what, side] of [
    ["padding", padding],
    ["truncating", truncating],
  ] as const) {
    // Specs built from JSON config can hold any string.
    if (!["pre", "post"].includes(side)) {
      throw new OnnxError(
        `preprocessing.${what} is ${JSON.stringify(side)}; expected "pre" or "post"`,
      );
    }
  }
  const { vocabSize, dim, weights } = spec.embedding;
  if (vocabSize !== vocabulary.length) {
    throw new OnnxError(
      `embedding.vocabSize is ${vocabSize} but preprocessing.vocabulary has ${vocabulary.length} tokens; export the vocabulary the model was trained with`,
    );
  }
  if (!Number.isInteger(dim) || dim < 1) {
    throw new OnnxError(`embedding.dim is ${dim}; expected a positive integer`);
  }
  checkLength(weights, vocabSize * dim, "embedding.weights");
  const { lstm } = spec;
  if (spec.kind === "text-pooling") {
    if (lstm !== undefined && lstm !== null) {
      throw new OnnxError("lstm is given for a text-pooling model; remove it or use text-lstm");
    }
    validateLayers(spec.layers, dim, "the pooled embedding (embedding.dim)");
  } else {
    if (lstm === undefined || lstm === null) {
      throw new OnnxError("a text-lstm model needs lstm (TextModel.lstm()); it is missing");
    }
    if (lstm.inputSize !== dim) {
      throw new OnnxError(`lstm.inputSize is ${lstm.inputSize} but embedding.dim is ${dim}`);
    }
    if (!Number.isInteger(lstm.units) || lstm.units < 1) {
      throw new OnnxError(`lstm.units is ${lstm.units}; expected a positive integer`);
    }
    checkLength(lstm.kernel, dim * 4 * lstm.units, "lstm.kernel");
    checkLength(lstm.recurrentKernel, lstm.units * 4 * lstm.units, "lstm.recurrentKernel");
    checkLength(lstm.bias, 4 * lstm.units, "lstm.bias");
    validateLayers(spec.layers, lstm.units, "the LSTM output (lstm.units)");
  }
  validateClassifierLayers(spec.layers, spec.classes, spec.kind);
}

/**
 * Serialises a text classifier over token ids to ONNX bytes (opset 17, IR 8).
 *
 * The graph reads int64 `token_ids` `[N, sequenceLength]` and looks each id up in the
 * embedding (`Gather`). A `text-pooling` model averages over all steps, padding included, as
 * the trained model does (`ReduceMean`); a `text-lstm` model runs ONNX's `LSTM` (gates
 * reordered from Keras' i, f, c, o to ONNX's i, o, f, c) and keeps the last step's output.
 * Then come the dense layers. Outputs are `probabilities` `[N, k]` and
 * `label` (int64 `[N]`, index into `classes`); a single sigmoid unit is reported as
 * `[1 − p, p]`. The metadata entry `text_preprocessing` holds what turns raw text into the ids
 * (see `readTextPreprocessing` and `encodeTexts`). The same spec always gives the same bytes.
 * Throws {@link OnnxError} naming the first inconsistent field of the spec.
 */
export function exportTextOnnx(spec: OnnxTextExportSpec): Uint8Array {
  validateTextSpec(spec);
  const { embedding, preprocessing } = spec;
  const parts: GraphParts = {
    nodes: [
      node(
        "Gather",
        ["embedding", ONNX_TENSOR_NAMES.tokenIds],
        ["embedded"],
        [intAttribute("axis", 0)],
      ),
    ],
    initializers: [
      floatTensor("embedding", [embedding.vocabSize, embedding.dim], embedding.weights),
    ],
  };
  let features = "pooled";
  if (spec.lstm === undefined || spec.lstm === null) {
    parts.nodes.push(
      // Opset 17's ReduceMean takes its axes as an attribute (an input only from opset 18).
      node(
        "ReduceMean",
        ["embedded"],
        [features],
        [intsAttribute("axes", [1]), intAttribute("keepdims", 0)],
      ),
    );
  } else {
    features = addLstm(spec.lstm, "embedded", parts);
  }
  const outputs = addClassifierHead(spec.layers, spec.classes.length, features, parts);
  const stored: OnnxTextPreprocessingInfo = {
    tokenizer: ONNX_TEXT_TOKENIZER,
    lowercase: true,
    vocabulary: [...preprocessing.vocabulary],
    sequenceLength: preprocessing.sequenceLength,
    padding: preprocessing.padding,
    truncating: preprocessing.truncating,
  };
  return modelBytes({
    kind: spec.kind,
    parts,
    inputs: [
      tensorValueInfo(ONNX_TENSOR_NAMES.tokenIds, TensorProto_DataType.INT64, [
        BATCH,
        preprocessing.sequenceLength,
      ]),
    ],
    outputs,
    metadata: spec.metadata,
    entries: [
      { key: ONNX_METADATA_KEYS.classLabels, value: JSON.stringify(spec.classes) },
      { key: ONNX_METADATA_KEYS.modelKind, value: spec.kind },
      { key: ONNX_METADATA_KEYS.textPreprocessing, value: JSON.stringify(stored) },
    ],
  });
}
