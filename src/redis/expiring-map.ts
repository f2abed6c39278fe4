/**
 * A map whose entries end at a time of the caller's clock and that never holds more than
 * `maxSize`: ended entries are dropped in batches (when the map has doubled since the last batch,
 * so the cost per `set` stays constant), and past `maxSize` the least recently set go first.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; endsAtMs: number }>();
  private readonly maxSize: number;
  private pruneAtSize: number;

  constructor(maxSize: number) {
    this.maxSize = maxSize;
    this.pruneAtSize = Math.min(1_024, maxSize);
  }

  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: V, endsAtMs: number, nowMs: number): void {
    // Re-inserted, so that insertion order is also the order of last use.
    this.entries.delete(key);
    this.entries.set(key, { value, endsAtMs });
    if (this.entries.size < this.pruneAtSize) return;
    for (const [id, entry] of this.entries) if (entry.endsAtMs <= nowMs) this.entries.delete(id);
    if (this.entries.size > this.maxSize) {
      // Down to 90 %, so the next batch is a tenth of the map away.
      const keep = Math.floor(0.9 * this.maxSize);
      for (const id of this.entries.keys()) {
        if (this.entries.size <= keep) break;
        this.entries.delete(id);
      }
    }
    this.pruneAtSize = Math.min(this.maxSize + 1, Math.max(1_024, 2 * this.entries.size));
  }

  /** The value, unless it ended by `nowMs`. */
  get(key: string, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.endsAtMs > nowMs ? entry.value : undefined;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Values that have not ended by `nowMs`. */
  *values(nowMs: number): IterableIterator<V> {
    for (const entry of this.entries.values()) if (entry.endsAtMs > nowMs) yield entry.value;
  }
}
