import type { GptConfig } from "./gpt-config.js";

/** Positions a new cache has room for before it first grows. */
const FIRST_CAPACITY = 64;

/**
 * One sequence's past keys and values, every layer, kept apart from the
 * batch it runs in so that it can join and leave batches. Each layer's keys
 * (and values) are laid out [heads, capacity, head size], the capacity
 * doubling up to the context as the sequence grows, so appending a step
 * copies one position per head and a short sequence holds little memory.
 */
export class SequenceKvCache {
  /** Positions held; the next token fed takes this position. */
  length = 0;
  readonly headSize: number;
  /** Positions the slots have room for. */
  private capacity = 0;
  /** Index 2·layer is the layer's keys, 2·layer + 1 its values. */
  private slots: Float32Array[];

  constructor(readonly config: GptConfig) {
    this.headSize = config.width / config.heads;
    this.slots = Array.from({ length: 2 * config.layers }, () => new Float32Array(0));
  }

  /** Makes room for `needed` positions, copying what is held into larger slots. */
  private reserve(needed: number): void {
    if (needed <= this.capacity) {
      return;
    }
    const { heads, contextSize } = this.config;
    const d = this.headSize;
    const capacity = Math.min(contextSize, Math.max(needed, 2 * this.capacity, FIRST_CAPACITY));
    this.slots = this.slots.map((slot) => {
      const grown = new Float32Array(heads * capacity * d);
      for (let h = 0; h < heads; h++) {
        const start = h * this.capacity * d;
        grown.set(slot.subarray(start, start + this.length * d), h * capacity * d);
      }
      return grown;
    });
    this.capacity = capacity;
  }

  /**
   * Appends `count` positions of batch row `row` of a run's presents, from
   * position `from` on; `presents[slot]` is laid out [batch, heads, `total`, head size].
   */
  append(
    presents: readonly Float32Array[],
    row: number,
    total: number,
    from: number,
    count: number,
  ): void {
    const { heads, contextSize } = this.config;
    if (this.length + count > contextSize) {
      throw new RangeError(
        `the cache holds ${this.length} of ${contextSize} positions; ${count} more do not fit`,
      );
    }
    this.reserve(this.length + count);
    const d = this.headSize;
    this.slots.forEach((slot, s) => {
      const present = presents[s];
      if (present === undefined) {
        throw new Error(`the run returned no present for cache slot ${s}`);
      }
      for (let h = 0; h < heads; h++) {
        const start = ((row * heads + h) * total + from) * d;
        slot.set(present.subarray(start, start + count * d), (h * this.capacity + this.length) * d);
      }
    });
    this.length += count;
  }

  /**
   * Writes this cache into batch row `row` of `pasts` (each [batch, heads,
   * `width`, head size], zero-filled), right-aligned: the row's first
   * `width − length` positions stay padding, masked out by the attention mask.
   */
  copyInto(pasts: readonly Float32Array[], row: number, width: number): void {
    const { heads } = this.config;
    const d = this.headSize;
    const pad = width - this.length;
    this.slots.forEach((slot, s) => {
      const past = pasts[s];
      if (past === undefined) {
        throw new Error(`no past buffer for cache slot ${s}`);
      }
      for (let h = 0; h < heads; h++) {
        const start = h * this.capacity * d;
        past.set(
          slot.subarray(start, start + this.length * d),
          ((row * heads + h) * width + pad) * d,
        );
      }
    });
  }
}
