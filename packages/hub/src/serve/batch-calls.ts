/**
 * Dynamic batching as Triton's `dynamic_batching` does it (serving.md §4):
 * calls whose inputs differ only in their first (batch) dimension are
 * concatenated along it into one run, and each output is cut back into every
 * call's rows.
 */
import type { ModelSignature, TensorData, WireTensor } from "./tensor-types.js";

/** One call's part of a run: its inputs, the outputs it asked for and its rows. */
export interface BatchPart {
  readonly feeds: Readonly<Record<string, WireTensor>>;
  readonly outputs: readonly string[];
  /** Its rows (dim 0 of every input); null when it can only run alone. */
  readonly rows: number | null;
  /** Equal for calls that may share a run; null when it can only run alone. */
  readonly key: string | null;
}

/**
 * Whether a model's calls may be batched: every input and every output
 * declares an open first dimension, so that concatenating inputs along it is
 * a valid call and each output has one row per input row to hand back. A
 * model with a fixed first dimension anywhere (a lookup table, a reduction
 * over the batch) is run one call at a time.
 */
export function batchableSignature(signature: ModelSignature): boolean {
  const open = (shape: readonly number[]) => shape.length > 0 && shape[0] === -1;
  return (
    signature.inputs.length > 0 &&
    signature.inputs.every((s) => open(s.shape)) &&
    signature.outputs.every((s) => open(s.shape))
  );
}

/**
 * A call's rows and the key of the calls it may share a run with: the same
 * inputs with the same datatypes and the same dimensions after the first, the
 * same dimension 0 across its own inputs, and the same outputs asked for.
 */
export function batchPart(
  feeds: Readonly<Record<string, WireTensor>>,
  outputs: readonly string[],
): BatchPart {
  const names = Object.keys(feeds).sort();
  let rows: number | null = null;
  const parts: string[] = [];
  for (const name of names) {
    const t = feeds[name];
    const first = t?.dims[0];
    if (t === undefined || first === undefined || (rows !== null && first !== rows)) {
      return { feeds, outputs, rows: null, key: null };
    }
    rows = first;
    parts.push(`${name}:${t.type}:${t.dims.slice(1).join("x")}`);
  }
  parts.push(`->${[...outputs].sort().join(",")}`);
  return { feeds, outputs, rows, key: parts.join(";") };
}

/** The inputs of several calls with one key, concatenated along dimension 0. */
export function concatFeeds(parts: readonly BatchPart[]): Record<string, WireTensor> {
  const first = parts[0];
  if (first === undefined) {
    return {};
  }
  const total = parts.reduce((sum, p) => sum + (p.rows ?? 0), 0);
  const feeds: Record<string, WireTensor> = {};
  for (const [name, head] of Object.entries(first.feeds)) {
    const pieces = parts.map((p) => p.feeds[name]?.data ?? []);
    feeds[name] = { type: head.type, dims: [total, ...head.dims.slice(1)], data: concat(pieces) };
  }
  return feeds;
}

function concat(pieces: readonly TensorData[]): TensorData {
  const [head] = pieces;
  if (head === undefined || Array.isArray(head)) {
    return pieces.flatMap((p) => p as string[]);
  }
  const length = pieces.reduce((sum, p) => sum + p.length, 0);
  const Kind = head.constructor as new (length: number) => Exclude<TensorData, string[]>;
  const out = new Kind(length);
  let offset = 0;
  for (const piece of pieces) {
    (out as { set(source: ArrayLike<number | bigint>, offset: number): void }).set(
      piece as ArrayLike<number | bigint>,
      offset,
    );
    offset += piece.length;
  }
  return out;
}

/**
 * A batched run's outputs cut into each call's rows, in call order; null when
 * an output's first dimension is not the run's total rows, so that it cannot
 * be told which rows belong to whom (the model declared an open dimension it
 * does not keep).
 */
export function splitOutputs(
  results: Readonly<Record<string, WireTensor>>,
  parts: readonly BatchPart[],
): Record<string, WireTensor>[] | null {
  const rows = parts.map((p) => p.rows ?? 0);
  const total = rows.reduce((a, b) => a + b, 0);
  const out: Record<string, WireTensor>[] = parts.map(() => ({}));
  for (const [name, t] of Object.entries(results)) {
    if (t.dims[0] !== total) {
      return null;
    }
    const rest = t.dims.slice(1);
    const rowSize = rest.reduce((a, b) => a * b, 1);
    let offset = 0;
    rows.forEach((n, i) => {
      const from = offset * rowSize;
      const to = (offset + n) * rowSize;
      const piece = out[i];
      if (piece !== undefined) {
        piece[name] = { type: t.type, dims: [n, ...rest], data: slice(t.data, from, to) };
      }
      offset += n;
    });
  }
  return out;
}

function slice(data: TensorData, from: number, to: number): TensorData {
  // Views, not copies: each caller only reads its rows to write its answer.
  return Array.isArray(data) ? data.slice(from, to) : data.subarray(from, to);
}

/** The ArrayBuffers of typed-array tensors that may move to another thread instead of being copied. */
export function transferables(tensors: Readonly<Record<string, WireTensor>>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const t of Object.values(tensors)) {
    const data = t.data;
    // Only a view covering its whole buffer: moving a shared buffer would empty the other views.
    if (
      !Array.isArray(data) &&
      data.buffer instanceof ArrayBuffer &&
      data.byteOffset === 0 &&
      data.byteLength === data.buffer.byteLength
    ) {
      buffers.add(data.buffer);
    }
  }
  return [...buffers];
}
