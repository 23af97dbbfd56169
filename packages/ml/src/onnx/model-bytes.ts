import { create, toBinary } from "@bufbuild/protobuf";
import type { GraphParts } from "./dense-head.js";
import type { OnnxExportMetadata } from "./export-spec.js";
import { GraphProtoSchema, ModelProtoSchema, type ValueInfoProto } from "./gen/onnx/onnx_pb.js";
import {
  ONNX_IR_VERSION,
  ONNX_METADATA_KEYS,
  ONNX_OPSET,
  ONNX_PRODUCER_NAME,
} from "./onnx-format.js";

/** What differs between exported files: the graph's name, body, inputs and outputs, and metadata. */
export interface ModelBytesSpec {
  readonly kind: string;
  readonly parts: GraphParts;
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: ValueInfoProto[];
  readonly metadata: OnnxExportMetadata;
  /** The exporter's own `metadata_props` entries, between the licence and `metadata.extra`. */
  readonly entries: readonly { key: string; value: string }[];
}

/**
 * The `metadata_props` entries of an exported file: licence and card link, the exporter's own
 * `entries`, then `metadata.extra` sorted by key, so that the same spec always gives the same bytes.
 */
function metadataProps(
  metadata: OnnxExportMetadata,
  entries: readonly { key: string; value: string }[],
): { key: string; value: string }[] {
  const props: { key: string; value: string }[] = [
    { key: ONNX_METADATA_KEYS.licence, value: metadata.licence },
  ];
  if (metadata.cardUrl !== undefined) {
    props.push({ key: ONNX_METADATA_KEYS.cardUrl, value: metadata.cardUrl });
  }
  props.push(...entries);
  for (const key of Object.keys(metadata.extra ?? {}).sort()) {
    props.push({ key, value: metadata.extra?.[key] ?? "" });
  }
  return props;
}

/** Serialises a graph as a model file (opset 17, IR 8) with Gatehouse's producer and metadata. */
export function modelBytes(spec: ModelBytesSpec): Uint8Array {
  const graph = create(GraphProtoSchema, {
    name: spec.kind.replaceAll("-", "_"),
    node: spec.parts.nodes,
    initializer: spec.parts.initializers,
    input: [...spec.inputs],
    output: spec.outputs,
  });
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    opsetImport: [{ domain: "", version: BigInt(ONNX_OPSET) }],
    producerName: ONNX_PRODUCER_NAME,
    producerVersion: spec.metadata.producerVersion,
    graph,
    metadataProps: metadataProps(spec.metadata, spec.entries),
    ...(spec.metadata.description === undefined ? {} : { docString: spec.metadata.description }),
  });
  return toBinary(ModelProtoSchema, model);
}
