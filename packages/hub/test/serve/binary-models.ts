/**
 * Tiny ONNX models for the binary tensor data extension, written in the
 * protobuf wire format as spec-model.ts writes its own.
 */
import { bytes, int, node, str, valueInfo, type Dim } from "./spec-model.js";

const FLOAT = 1;
const STRING = 8;
const INT64 = 7;
const BOOL = 9;
const FLOAT16 = 10;
const UINT32 = 12;

/** Cast's `to` attribute: name (1), i (3), type INT (20 = 2). */
const castTo = (type: number) => bytes(5, [...str(1, "to"), ...int(3, type), ...int(20, 2)]);

function tensor(name: string, type: number, dims: readonly number[], raw: Buffer): number[] {
  return [
    ...dims.flatMap((d) => int(1, d)),
    ...int(2, type),
    ...str(8, name),
    ...bytes(9, [...raw]),
  ];
}

function model(
  name: string,
  nodes: readonly number[][],
  initializers: readonly number[][],
  inputs: readonly [string, number, readonly Dim[]][],
  outputs: readonly [string, number, readonly Dim[]][],
): Buffer {
  const graph = [
    ...nodes.flatMap((n) => bytes(1, n)),
    ...str(2, name),
    ...initializers.flatMap((t) => bytes(5, t)),
    ...inputs.flatMap(([n, type, dims]) => bytes(11, valueInfo(n, type, dims))),
    ...outputs.flatMap(([n, type, dims]) => bytes(12, valueInfo(n, type, dims))),
  ];
  return Buffer.from([
    ...int(1, 8),
    ...bytes(7, graph),
    ...bytes(8, [...str(1, ""), ...int(2, 13)]),
  ]);
}

/**
 * The model of the extension's example (extension_binary_data.md): `input0`
 * UINT32 [2,2] and `input1` BOOL [3] in, `output0` FP32 [3,2] out, here
 * input1[i] × (input0[0][j] + input0[1][j]) so that every input byte counts;
 * and `output1`, input1 itself.
 */
export function binaryExampleModel(): Buffer {
  const ones = Buffer.alloc(8);
  ones.writeFloatLE(1, 0);
  ones.writeFloatLE(1, 4);
  const column = Buffer.alloc(16);
  column.writeBigInt64LE(3n, 0);
  column.writeBigInt64LE(1n, 8);
  return model(
    "binary-example",
    [
      node("Cast", ["input0"], ["f0"], castTo(FLOAT)),
      node("MatMul", ["ones", "f0"], ["sums"]),
      node("Cast", ["input1"], ["f1"], castTo(FLOAT)),
      node("Reshape", ["f1", "column"], ["f1c"]),
      node("Mul", ["f1c", "sums"], ["output0"]),
      node("Identity", ["input1"], ["output1"]),
    ],
    [tensor("ones", FLOAT, [1, 2], ones), tensor("column", INT64, [2], column)],
    [
      ["input0", UINT32, [2, 2]],
      ["input1", BOOL, [3]],
    ],
    [
      ["output0", FLOAT, [3, 2]],
      ["output1", BOOL, [3]],
    ],
  );
}

/** output0 of `binaryExampleModel` for its inputs. */
export function binaryExampleOutput0(
  input0: readonly number[],
  input1: readonly boolean[],
): number[] {
  const sums = [(input0[0] ?? 0) + (input0[2] ?? 0), (input0[1] ?? 0) + (input0[3] ?? 0)];
  return input1.flatMap((b) => sums.map((s) => (b ? s : 0)));
}

/**
 * FP16 and BYTES through a model: `half` FP16 [N,2] and `text` BYTES [N] in;
 * `half_out` (half itself), `as_float` (half cast to FP32) and `text_out`
 * (text itself) out. Every dimension 0 is open, so its calls may be batched.
 */
export function halfAndTextModel(): Buffer {
  return model(
    "half-and-text",
    [
      node("Identity", ["half"], ["half_out"]),
      node("Cast", ["half"], ["as_float"], castTo(FLOAT)),
      node("Identity", ["text"], ["text_out"]),
    ],
    [],
    [
      ["half", FLOAT16, ["N", 2]],
      ["text", STRING, ["N"]],
    ],
    [
      ["half_out", FLOAT16, ["N", 2]],
      ["as_float", FLOAT, ["N", 2]],
      ["text_out", STRING, ["N"]],
    ],
  );
}

/** A BYTES tensor's binary form: each element its 4-byte little-endian length, then its UTF-8. */
export function strings(values: readonly string[]): Buffer {
  return Buffer.concat(
    values.map((v) => {
      const utf8 = Buffer.from(v, "utf8");
      const length = Buffer.alloc(4);
      length.writeUInt32LE(utf8.length);
      return Buffer.concat([length, utf8]);
    }),
  );
}
