import { fromBinary } from "@bufbuild/protobuf";
import { ModelProtoSchema, TensorProto_DataType } from "./gen/onnx/onnx_pb.js";
import type { ValueInfoProto } from "./gen/onnx/onnx_pb.js";
import { ONNX_METADATA_KEYS } from "./onnx-format.js";
import { OnnxError } from "./onnx-error.js";

/** A graph input or output as declared in the file. */
export interface OnnxValueInfo {
  readonly name: string;
  /** ONNX element type in lower case (`"float"`, `"double"`, `"int64"`, …), or `undefined` for non-tensors. */
  readonly elementType: string | undefined;
  /** Dimensions: a size, a symbolic name (e.g. the batch dimension), or `null` when unnamed; `undefined` when the file gives no shape. */
  readonly shape: readonly (number | string | null)[] | undefined;
}

/** What a model file says about itself, read without running it. */
export interface OnnxModelInfo {
  readonly irVersion: number;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly producerName: string;
  readonly producerVersion: string;
  /** The model's `doc_string`. */
  readonly description: string;
  /** Graph inputs fed at run time (initializers listed as inputs by old exporters are left out). */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** Every `metadata_props` entry. */
  readonly metadataProps: Readonly<Record<string, string>>;
  /** `metadata_props.licence`, when present. */
  readonly licence: string | undefined;
  /** `metadata_props.card_url`, when present. */
  readonly cardUrl: string | undefined;
  /** `metadata_props.class_labels` (a JSON array of strings), in output order, when present. */
  readonly classLabels: readonly string[] | undefined;
  /** `metadata_props.feature_names` (a JSON array of strings), when present. */
  readonly featureNames: readonly string[] | undefined;
}

function stringArray(json: string | undefined): string[] | undefined {
  if (json === undefined) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(json);
    if (Array.isArray(parsed) && parsed.every((v) => typeof v === "string")) {
      return parsed;
    }
  } catch {
    // Another producer may use the same key for something else; the raw value stays in metadataProps.
  }
  return undefined;
}

function valueInfo(info: ValueInfoProto): OnnxValueInfo {
  const type = info.type?.value;
  if (type?.case !== "tensorType") {
    return { name: info.name, elementType: undefined, shape: undefined };
  }
  const tensor = type.value;
  const elementType = TensorProto_DataType[tensor.elemType]?.toLowerCase();
  const shape = tensor.shape?.dim.map((d) => {
    switch (d.value.case) {
      case "dimValue":
        return Number(d.value.value);
      case "dimParam":
        return d.value.value;
      default:
        return null;
    }
  });
  return { name: info.name, elementType, shape };
}

/**
 * Decodes an ONNX file's header, graph signature and metadata. `name` is used in error
 * messages. Throws {@link OnnxError} when the bytes are not an ONNX model.
 */
export function readOnnxModelInfo(bytes: Uint8Array, name = "model"): OnnxModelInfo {
  const invalid = (why: string) => new OnnxError(`${name} is not a valid ONNX model: ${why}`);
  let model;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  const graph = model.graph;
  if (model.irVersion <= 0n) {
    throw invalid("it has no ir_version");
  }
  if (graph === undefined) {
    throw invalid("it has no graph");
  }
  if (model.opsetImport.length === 0) {
    throw invalid("it imports no operator set");
  }
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const metadataProps: Record<string, string> = {};
  for (const { key, value } of model.metadataProps) {
    metadataProps[key] = value;
  }
  return {
    irVersion: Number(model.irVersion),
    opsets: model.opsetImport.map((o) => ({ domain: o.domain, version: Number(o.version) })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    description: model.docString,
    inputs: graph.input.filter((i) => !initializers.has(i.name)).map(valueInfo),
    outputs: graph.output.map(valueInfo),
    metadataProps,
    licence: metadataProps[ONNX_METADATA_KEYS.licence],
    cardUrl: metadataProps[ONNX_METADATA_KEYS.cardUrl],
    classLabels: stringArray(metadataProps[ONNX_METADATA_KEYS.classLabels]),
    featureNames: stringArray(metadataProps[ONNX_METADATA_KEYS.featureNames]),
  };
}
