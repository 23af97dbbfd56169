/**
 * A tiny ONNX model for the Open Inference Protocol specification's own
 * example (inference_rest.md): input `input0` UINT32 [2,2]; `output0` FP32
 * [3,2] holding the example response's values, and `output1`, input0 cast to
 * FP32, so that output selection and row-major order show. Written here in the
 * protobuf wire format (onnx.proto field numbers), as the toolkit exports only
 * dense models.
 */

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

export const bytes = (field: number, payload: readonly number[]) => [
  ...varint((field << 3) | 2),
  ...varint(payload.length),
  ...payload,
];
export const str = (field: number, text: string) => bytes(field, [...Buffer.from(text, "utf8")]);
export const int = (field: number, value: number) => [...varint(field << 3), ...varint(value)];

const FLOAT = 1;
const UINT32 = 12;

/** A dimension: a size, or the name of a symbolic one (any size). */
export type Dim = number | string;

export function valueInfo(name: string, elemType: number, dims: readonly Dim[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === "number" ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, elemType), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

export function floatTensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): number[] {
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => raw.writeFloatLE(v, i * 4));
  return [
    ...dims.flatMap((d) => int(1, d)),
    ...int(2, FLOAT),
    ...str(8, name),
    ...bytes(9, [...raw]),
  ];
}

export function node(
  op: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: number[] = [],
) {
  return [
    ...inputs.flatMap((i) => str(1, i)),
    ...outputs.flatMap((o) => str(2, o)),
    ...str(3, `${op}_${outputs[0] ?? ""}`),
    ...str(4, op),
    ...attrs,
  ];
}

/** The values of output0 in the specification's example response. */
export const SPEC_OUTPUT0 = [1.0, 1.1, 2.0, 2.1, 3.0, 3.1];

/**
 * The example model; with `openRows`, its input and `output1` take any number
 * of rows (`N`) while `output0` stays the fixed table: a model whose outputs
 * cannot all be split back by rows.
 */
export function specExampleModel(openRows = false): Buffer {
  const rows: Dim = openRows ? "N" : 2;
  // Cast's `to` attribute: name (1), i (3), type INT (20 = 2).
  const castTo = bytes(5, [...str(1, "to"), ...int(3, FLOAT), ...int(20, 2)]);
  const graph = [
    ...bytes(1, node("Identity", ["table"], ["output0"])),
    ...bytes(1, node("Cast", ["input0"], ["output1"], castTo)),
    ...str(2, "spec-example"),
    ...bytes(5, floatTensor("table", [3, 2], SPEC_OUTPUT0)),
    ...bytes(11, valueInfo("input0", UINT32, [rows, 2])),
    ...bytes(12, valueInfo("output0", FLOAT, [3, 2])),
    ...bytes(12, valueInfo("output1", FLOAT, [rows, 2])),
  ];
  const model = [...int(1, 8), ...bytes(7, graph), ...bytes(8, [...str(1, ""), ...int(2, 13)])];
  return Buffer.from(model);
}

const INT64 = 7;

/** The rows of the table `gatherModel` looks up. */
export const GATHER_TABLE = [
  [0, 0.5],
  [1, 1.5],
  [2, 2.5],
  [3, 3.5],
  [4, 4.5],
];

/**
 * A lookup model: `row` (FP32 [N,2]) holds the rows of a five-row table that
 * `index` (INT64 [N]) names. An index past the table passes the protocol's
 * checks (any INT64) but onnxruntime refuses the run, as it would a value a
 * real model cannot take.
 */
export function gatherModel(): Buffer {
  const graph = [
    ...bytes(1, node("Gather", ["table", "index"], ["row"])),
    ...str(2, "gather"),
    ...bytes(5, floatTensor("table", [5, 2], GATHER_TABLE.flat())),
    ...bytes(11, valueInfo("index", INT64, ["N"])),
    ...bytes(12, valueInfo("row", FLOAT, ["N", 2])),
  ];
  const model = [...int(1, 8), ...bytes(7, graph), ...bytes(8, [...str(1, ""), ...int(2, 13)])];
  return Buffer.from(model);
}
