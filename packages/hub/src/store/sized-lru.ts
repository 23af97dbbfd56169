/** How much a SizedLru may hold. */
export interface SizedLruLimits {
  readonly maxEntries: number;
  /** In the units `sizeOf` counts, e.g. bytes. */
  readonly maxSize: number;
}

/**
 * A least-recently-used cache bounded by its number of entries and by the
 * total size of its values, for large values kept only to save work (a model
 * card's text): a big value evicts others instead of growing memory, and one
 * larger than the whole budget is not kept at all.
 *
 * @example
 * const texts = new SizedLru<string, string>({ maxEntries: 100, maxSize: 1 << 20 }, (s) => s.length);
 */
export class SizedLru<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly size: number }>();
  private total = 0;

  constructor(
    private readonly limits: SizedLruLimits,
    private readonly sizeOf: (value: V) => number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    // Map keeps insertion order: put back last, it is now the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const size = this.sizeOf(value);
    if (size > this.limits.maxSize) {
      return;
    }
    this.entries.set(key, { value, size });
    this.total += size;
    while (this.entries.size > this.limits.maxEntries || this.total > this.limits.maxSize) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) {
        break;
      }
      this.delete(oldest.value);
    }
  }

  private delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.total -= entry.size;
    }
  }
}
