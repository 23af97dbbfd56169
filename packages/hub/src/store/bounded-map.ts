/**
 * A Map that holds at most `limit` entries, dropping the oldest one to make
 * room, for what is kept in memory only to save work: keys from requests
 * (SQL texts, parameter lists, version ids) could otherwise grow it without end.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) {
      // Map keeps insertion order: the first key is the oldest entry.
      const oldest = this.keys().next();
      if (oldest.done !== true) {
        this.delete(oldest.value);
      }
    }
    return super.set(key, value);
  }
}
