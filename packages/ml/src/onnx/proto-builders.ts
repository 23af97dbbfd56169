import { create } from "@bufbuild/protobuf";
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
} from "./gen/onnx/onnx_pb.js";
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from "./gen/onnx/onnx_pb.js";

/** A dimension: a fixed size, or a symbolic name such as the batch dimension `"N"`. */
export type Dim = number | string;

/** A float32 initializer; values are written little-endian into `raw_data` as the spec requires. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): TensorProto {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    view.setFloat32(i * 4, values[i] ?? 0, true);
  }
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: TensorProto_DataType.FLOAT,
    rawData: bytes,
  });
}

/** An int64 initializer, little-endian in `raw_data`. */
export function int64Tensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): TensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: TensorProto_DataType.INT64,
    rawData: bytes,
  });
}

/** An INT attribute. */
export function intAttribute(name: string, value: number): AttributeProto {
  return create(AttributeProtoSchema, {
    name,
    type: AttributeProto_AttributeType.INT,
    i: BigInt(value),
  });
}

/** A FLOAT attribute. */
export function floatAttribute(name: string, value: number): AttributeProto {
  return create(AttributeProtoSchema, {
    name,
    type: AttributeProto_AttributeType.FLOAT,
    f: value,
  });
}

/** An INTS attribute. */
export function intsAttribute(name: string, values: readonly number[]): AttributeProto {
  return create(AttributeProtoSchema, {
    name,
    type: AttributeProto_AttributeType.INTS,
    ints: values.map(BigInt),
  });
}

/** A node of the default (`ai.onnx`) domain. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: readonly AttributeProto[] = [],
): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    name: outputs[0] ?? opType,
    input: [...inputs],
    output: [...outputs],
    attribute: [...attributes],
  });
}

/** Name, element type and shape of a graph input or output. */
export function tensorValueInfo(
  name: string,
  elemType: TensorProto_DataType,
  dims: readonly Dim[],
): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: "tensorType",
        value: {
          elemType,
          shape: {
            dim: dims.map((d) =>
              typeof d === "number"
                ? { value: { case: "dimValue" as const, value: BigInt(d) } }
                : { value: { case: "dimParam" as const, value: d } },
            ),
          },
        },
      },
    }),
  });
}
