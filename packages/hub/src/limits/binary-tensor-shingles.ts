import { halfToNumber } from "../half-float/index.js";
import { elementValue, quantise, sampledShingles } from "./minhash.js";

type Reader = readonly [size: number, read: (view: DataView, at: number) => number];

/** How to read one element of each fixed-size datatype into its element value, and its size in bytes. */
const READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  // A JSON BOOL is true or false, whose element value is 1 or 0.
  ["BOOL", [1, (v, at) => Number(v.getUint8(at) !== 0)]],
  ["UINT8", [1, (v, at) => quantise(v.getUint8(at))]],
  ["UINT16", [2, (v, at) => quantise(v.getUint16(at, true))]],
  ["UINT32", [4, (v, at) => quantise(v.getUint32(at, true))]],
  // 64-bit integers lose precision as numbers, as they do as JSON: a shingle needs no more.
  ["UINT64", [8, (v, at) => quantise(Number(v.getBigUint64(at, true)))]],
  ["INT8", [1, (v, at) => quantise(v.getInt8(at))]],
  ["INT16", [2, (v, at) => quantise(v.getInt16(at, true))]],
  ["INT32", [4, (v, at) => quantise(v.getInt32(at, true))]],
  ["INT64", [8, (v, at) => quantise(Number(v.getBigInt64(at, true)))]],
  ["FP16", [2, (v, at) => quantise(halfToNumber(v.getUint16(at, true)))]],
  ["FP32", [4, (v, at) => quantise(v.getFloat32(at, true))]],
  ["FP64", [8, (v, at) => quantise(v.getFloat64(at, true))]],
]);

// Not fatal: a shingle of text that is not UTF-8 is still a shingle (the call is refused anyway).
// The byte-order mark is kept, as JSON keeps it in a string.
const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** The whole elements of a BYTES tensor's binary form: each a 4-byte length and that many bytes. */
function countBytesElements(view: DataView): number {
  let count = 0;
  for (let at = 0; at + 4 <= view.byteLength; count += 1) {
    const next = at + 4 + view.getUint32(at, true);
    if (next > view.byteLength) {
      break;
    }
    at = next;
  }
  return count;
}

/**
 * The shingles of a BYTES tensor's binary form. Its elements have no fixed
 * size, so they are walked twice, to count them and to read the sampled
 * ones (asked for in order, so one cursor serves), without a copy of them.
 */
function bytesShingles(tensor: number, bytes: Uint8Array, view: DataView): number[] {
  let index = 0;
  let at = 0;
  return sampledShingles(tensor, countBytesElements(view), (i) => {
    for (; index < i; index += 1) {
      at += 4 + view.getUint32(at, true);
    }
    const length = view.getUint32(at, true);
    return elementValue(UTF8.decode(bytes.subarray(at + 4, at + 4 + length)));
  });
}

/**
 * The shingles of a tensor sent in the binary tensor extension's form: its
 * elements read by `datatype` (little-endian; BOOL one byte; each BYTES
 * element a 4-byte little-endian length and its bytes), the same shingles
 * `tensorShingles` makes of the same values as JSON. What cannot be read is
 * left out rather than refused: a trailing part element, a BYTES length
 * running past the data, an unknown datatype (no shingles). The request is
 * refused where it is served; its signature only needs to be safe to make.
 */
export function binaryTensorShingles(
  tensor: number,
  datatype: unknown,
  bytes: Uint8Array,
): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (datatype === "BYTES") {
    return bytesShingles(tensor, bytes, view);
  }
  const reader = typeof datatype === "string" ? READERS.get(datatype) : undefined;
  if (reader === undefined) {
    return [];
  }
  const [size, read] = reader;
  return sampledShingles(tensor, Math.floor(bytes.byteLength / size), (i) => read(view, i * size));
}
