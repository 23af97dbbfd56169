/**
 * The Open Inference Protocol's tensor datatypes (serving.md §1) that the
 * JSON tensor format can carry, and onnxruntime's name for each. FP16 has no
 * JSON form; it comes with the binary tensor extension.
 */
export const OIP_TO_ORT = {
  BOOL: "bool",
  UINT8: "uint8",
  UINT16: "uint16",
  UINT32: "uint32",
  UINT64: "uint64",
  INT8: "int8",
  INT16: "int16",
  INT32: "int32",
  INT64: "int64",
  FP16: "float16",
  FP32: "float32",
  FP64: "float64",
  BYTES: "string",
} as const;

export type OipDatatype = keyof typeof OIP_TO_ORT;
export type OrtType = (typeof OIP_TO_ORT)[OipDatatype];

/** The OIP datatype of an onnxruntime tensor type, or null for a type OIP cannot name. */
export function oipDatatypeOf(ortType: string): OipDatatype | null {
  for (const [oip, ort] of Object.entries(OIP_TO_ORT)) {
    if (ort === ortType) {
      return oip as OipDatatype;
    }
  }
  return null;
}

/** One input or output of a model as OIP metadata shows it: -1 for a dimension of any size. */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
}

/** What a served model reads and writes, read from the file once when it is enabled. */
export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** Tensor contents as they cross to and from a worker thread: typed arrays, or strings for BYTES. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** A tensor passed between the HTTP side and a worker. */
export interface WireTensor {
  readonly type: OrtType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}
