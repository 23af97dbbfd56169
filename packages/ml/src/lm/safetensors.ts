import { open, readFile } from "node:fs/promises";

/** One tensor of a safetensors file: 32-bit floats, row-major. */
export interface F32Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

interface HeaderEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data_offsets: readonly [number, number];
}

/** safetensors asks the header to be padded with spaces so the data starts 8-byte aligned. */
const ALIGN = 8;

/**
 * Writes tensors as a safetensors file (huggingface/safetensors: an 8-byte
 * little-endian header length, a JSON header naming each tensor's dtype, shape
 * and byte range, then the bytes), the format Hugging Face's libraries load.
 * Tensors are written one after another, never joined in memory.
 */
export async function writeSafetensors(
  file: string,
  tensors: ReadonlyMap<string, F32Tensor>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    if (size !== tensor.data.length) {
      throw new RangeError(
        `tensor ${name} has ${tensor.data.length} values for shape [${tensor.shape.join(", ")}]`,
      );
    }
    header[name] = { dtype: "F32", shape: tensor.shape, data_offsets: [offset, offset + size * 4] };
    offset += size * 4;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((ALIGN - ((8 + Buffer.byteLength(json)) % ALIGN)) % ALIGN);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const handle = await open(file, "w");
  try {
    await handle.write(prefix);
    await handle.write(json);
    for (const tensor of tensors.values()) {
      await handle.write(
        new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength),
      );
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads a safetensors file of 32-bit floats, checking every range against the file. */
export async function readSafetensors(
  file: string,
): Promise<{ tensors: Map<string, F32Tensor>; metadata: Record<string, string> }> {
  const bytes = await readFile(file);
  const fail = (why: string): never => {
    throw new Error(`${file} is not a safetensors file of F32 tensors: ${why}`);
  };
  if (bytes.length < 8) {
    fail("it is shorter than its header length");
  }
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (8 + headerLength > bytes.length) {
    fail(`its header of ${headerLength} bytes runs past the end`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8")) as Record<
      string,
      unknown
    >;
  } catch {
    return fail("its header is not JSON");
  }
  const start = 8 + headerLength;
  const tensors = new Map<string, F32Tensor>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as HeaderEntry;
    if (entry.dtype !== "F32") {
      fail(`tensor ${name} is ${entry.dtype}`);
    }
    const [from, to] = entry.data_offsets;
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (to - from !== size * 4 || start + to > bytes.length || from < 0) {
      fail(`tensor ${name}'s byte range does not fit its shape or the file`);
    }
    // A copy: the file's buffer need not be 4-byte aligned for a Float32Array view.
    const data = new Float32Array(size);
    new Uint8Array(data.buffer).set(bytes.subarray(start + from, start + to));
    tensors.set(name, { shape: entry.shape, data });
  }
  return { tensors, metadata };
}
