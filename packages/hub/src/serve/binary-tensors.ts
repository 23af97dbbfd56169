/**
 * The binary tensor data extension of the Open Inference Protocol (Triton's
 * `docs/protocol/extension_binary_data.md`, serving.md §1): a body is the JSON
 * request or response, `Inference-Header-Content-Length` bytes long, followed
 * by the raw data of each tensor whose `parameters.binary_data_size` is set,
 * in the order of the tensors in the JSON. Little-endian, row-major, no
 * padding; BOOL one byte (1 or 0); each BYTES element a 4-byte little-endian
 * length and then its bytes. Shared by the hub and the CLI's client.
 */
import { halfToNumber } from "../half-float/index.js";
import { HubError } from "../errors/index.js";
import type { OipDatatype, TensorData } from "./tensor-types.js";

/** The Content-Type of a body with binary tensors, both ways. */
export const BINARY_CONTENT_TYPE = "application/octet-stream";
/** The header giving the length of the JSON at the start of such a body (lower case, as Node names headers). */
export const HEADER_LENGTH_FIELD = "inference-header-content-length";

type FixedDatatype = Exclude<OipDatatype, "BYTES">;

/** Bytes per element of each datatype but BYTES, whose elements carry their own length. */
const ELEMENT_BYTES: Readonly<Record<FixedDatatype, number>> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
};

const bad = (message: string) => new HubError("BAD_REQUEST", message);

const shapeText = (shape: readonly number[]) => `[${shape.join(",")}]`;

/**
 * The JSON header and the tensor bytes after it of a binary-extension body,
 * `headerLength` being the Inference-Header-Content-Length field as received.
 */
export function splitBody(
  body: Buffer,
  headerLength: string | readonly string[] | undefined,
): { header: unknown; tensorBytes: Buffer } {
  if (headerLength === undefined) {
    throw bad(
      "a body of binary tensors needs the Inference-Header-Content-Length header: the length in bytes of the JSON at its start",
    );
  }
  const text = typeof headerLength === "string" ? headerLength : headerLength.join(",");
  if (!/^\d{1,15}$/.test(text)) {
    throw bad(
      `Inference-Header-Content-Length "${text.slice(0, 32)}" is not a whole number of bytes`,
    );
  }
  const length = Number(text);
  if (length > body.length) {
    throw bad(
      `Inference-Header-Content-Length is ${length} bytes but the whole body holds only ${body.length}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(body.toString("utf8", 0, length));
  } catch (err) {
    throw bad(
      `the first ${length} bytes of the body (Inference-Header-Content-Length) are not JSON: ${(err as Error).message}`,
    );
  }
  return { header, tensorBytes: body.subarray(length) };
}

/** A body of `header` as JSON followed by `parts`, and the length of its JSON. */
export function joinBody(
  header: unknown,
  parts: readonly Uint8Array[],
): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  return { body: Buffer.concat([json, ...parts]), headerLength: json.length };
}

/** An input or output as the JSON of a binary-extension body names it. */
export interface BinaryTensorEntry {
  readonly name: string;
  readonly data?: unknown;
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/**
 * The bytes of each tensor that has `parameters.binary_data_size`, cut from
 * `tensorBytes` in the order of `tensors`; undefined for one given as JSON
 * `data`. The sizes must account for every byte after the JSON header.
 */
export function cutTensors(
  tensors: readonly BinaryTensorEntry[],
  tensorBytes: Uint8Array,
  role: "input" | "output",
): (Uint8Array | undefined)[] {
  let offset = 0;
  const cut = tensors.map((tensor) => {
    const size = tensor.parameters?.binary_data_size;
    if (size === undefined) {
      return undefined;
    }
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      throw bad(
        `${role} "${tensor.name}": parameters.binary_data_size ${JSON.stringify(size)} is not a whole number of bytes`,
      );
    }
    if (tensor.data !== undefined) {
      throw bad(
        `${role} "${tensor.name}" has both data and parameters.binary_data_size; give its values one way`,
      );
    }
    if (offset + size > tensorBytes.length) {
      throw bad(
        `${role} "${tensor.name}": parameters.binary_data_size is ${size} bytes but only ${tensorBytes.length - offset} bytes of tensor data are left after the JSON header and the tensors before it`,
      );
    }
    const bytes = tensorBytes.subarray(offset, offset + size);
    offset += size;
    return bytes;
  });
  if (offset !== tensorBytes.length) {
    throw bad(
      `the body holds ${tensorBytes.length} bytes of tensor data after the JSON header but the ${role}s' binary_data_size add up to ${offset}; they must account for every byte`,
    );
  }
  return cut;
}

// Node's typed arrays use the host's byte order: little-endian on every
// platform onnxruntime-node ships for (x64, arm64), as the extension wants.
function typedArrayOf(datatype: FixedDatatype, buffer: ArrayBuffer): Exclude<TensorData, string[]> {
  switch (datatype) {
    case "BOOL":
    case "UINT8":
      return new Uint8Array(buffer);
    case "UINT16":
    case "FP16":
      // onnxruntime-node's float16 tensors hold the IEEE half bits in a Uint16Array.
      return new Uint16Array(buffer);
    case "UINT32":
      return new Uint32Array(buffer);
    case "UINT64":
      return new BigUint64Array(buffer);
    case "INT8":
      return new Int8Array(buffer);
    case "INT16":
      return new Int16Array(buffer);
    case "INT32":
      return new Int32Array(buffer);
    case "INT64":
      return new BigInt64Array(buffer);
    case "FP32":
      return new Float32Array(buffer);
    case "FP64":
      return new Float64Array(buffer);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The strings of a BYTES tensor's binary form: `count` elements, each a 4-byte length and its bytes. */
function bytesElements(what: string, count: number, bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > bytes.length) {
      throw bad(
        `${what}: element ${i} of ${count} has no room for its 4-byte length: the tensor's binary data ends after ${bytes.length} bytes`,
      );
    }
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.length) {
      throw bad(
        `${what}: element ${i}'s length prefix says ${length} bytes but only ${bytes.length - offset} are left in the tensor's binary data`,
      );
    }
    try {
      out.push(UTF8.decode(bytes.subarray(offset, offset + length)));
    } catch {
      throw bad(`${what}: element ${i} is not UTF-8 text, which the model's string tensors hold`);
    }
    offset += length;
  }
  if (offset !== bytes.length) {
    throw bad(
      `${what}: its ${count} elements end after ${offset} bytes but its binary_data_size is ${bytes.length}`,
    );
  }
  return out;
}

/**
 * A tensor's values from its binary form, checked against its shape: a fixed
 * size datatype must take exactly shape × element size bytes, and the length
 * prefixes of a BYTES tensor must stay inside its data. `what` names the
 * tensor in refusals (`input "x"`). The values get their own memory, so that
 * they can move to a worker thread without taking the body with them.
 */
export function tensorFromBytes(
  what: string,
  datatype: OipDatatype,
  shape: readonly number[],
  bytes: Uint8Array,
): TensorData {
  const count = shape.reduce((a, b) => a * b, 1);
  if (datatype === "BYTES") {
    return bytesElements(what, count, bytes);
  }
  const size = ELEMENT_BYTES[datatype];
  if (bytes.length !== count * size) {
    throw bad(
      `${what}: parameters.binary_data_size is ${bytes.length} bytes but shape ${shapeText(shape)} of ${datatype} takes ${count * size} (${count} × ${size})`,
    );
  }
  if (datatype === "BOOL") {
    const wrong = bytes.findIndex((b) => b > 1);
    if (wrong >= 0) {
      throw bad(
        `${what}: BOOL element ${wrong} is the byte ${bytes[wrong]}; true is 1 and false 0`,
      );
    }
  }
  const own = new Uint8Array(bytes.length);
  own.set(bytes);
  return typedArrayOf(datatype, own.buffer);
}

/** A tensor's binary form: its elements' bytes, or for BYTES each string's UTF-8 after its length. */
export function tensorToBytes(data: TensorData): Uint8Array {
  if (!Array.isArray(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const encoded = data.map((s) => Buffer.from(s, "utf8"));
  const out = Buffer.alloc(encoded.reduce((sum, e) => sum + 4 + e.length, 0));
  let offset = 0;
  for (const e of encoded) {
    out.writeUInt32LE(e.length, offset);
    e.copy(out, offset + 4);
    offset += 4 + e.length;
  }
  return out;
}

/** A tensor's values as JSON: BOOL as true/false, 64-bit integers and FP16 as numbers. */
export function jsonValues(datatype: OipDatatype, data: TensorData): (number | boolean | string)[] {
  if (Array.isArray(data)) {
    return [...data];
  }
  if (datatype === "BOOL") {
    return Array.from(data as Uint8Array, (v) => v !== 0);
  }
  if (datatype === "FP16") {
    return Array.from(data as Uint16Array, halfToNumber);
  }
  // 64-bit integers are JSON numbers, as KServe sends them; beyond 2^53 they round.
  return Array.from(data as ArrayLike<number | bigint>, Number);
}
