import { DataError } from "./data-error.js";

export interface PadSequencesOptions {
  /** Length of every output row; default the longest sequence's length. */
  maxLen?: number;
  /** Where padding goes: "pre" (default, before the sequence) or "post". */
  padding?: "pre" | "post";
  /** Which end of a too-long sequence is cut: "pre" (default, keeps the end) or "post". */
  truncating?: "pre" | "post";
  /** Padding value; default 0. */
  value?: number;
}

/** Sequences of equal length, row-major: element j of row i is `data[i * maxLen + j]`. */
export interface PaddedSequences {
  readonly data: Int32Array;
  readonly rows: number;
  readonly maxLen: number;
}

/**
 * Pads or cuts integer sequences to one length, with the semantics and defaults of
 * Keras' `pad_sequences` (padding and truncating "pre", value 0).
 * @example
 * padSequences([[1], [2, 3], [4, 5, 6]], { maxLen: 2 }).data; // [0, 1, 2, 3, 5, 6]
 */
export function padSequences(
  sequences: readonly ArrayLike<number>[],
  options: PadSequencesOptions = {},
): PaddedSequences {
  const { padding = "pre", truncating = "pre", value = 0 } = options;
  const maxLen = options.maxLen ?? sequences.reduce((m, s) => Math.max(m, s.length), 0);
  if (!Number.isInteger(maxLen) || maxLen < 0) {
    throw new DataError(`maxLen must be a non-negative integer, got ${maxLen}`);
  }
  for (const [name, side] of [
    ["padding", padding],
    ["truncating", truncating],
  ] as const) {
    // Callers from plain JavaScript or JSON config can pass any string.
    if (!["pre", "post"].includes(side)) {
      throw new DataError(`${name} must be "pre" or "post", got ${JSON.stringify(side)}`);
    }
  }
  const data = new Int32Array(sequences.length * maxLen).fill(value);
  sequences.forEach((sequence, i) => {
    const all = Array.from(sequence);
    const kept =
      all.length <= maxLen
        ? all
        : truncating === "pre"
          ? all.slice(all.length - maxLen)
          : all.slice(0, maxLen);
    const start = padding === "pre" ? maxLen - kept.length : 0;
    data.set(kept, i * maxLen + start);
  });
  return { data, rows: sequences.length, maxLen };
}
