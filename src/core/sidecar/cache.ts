/**
 * A bounded cache in two generations: when the current generation is full it
 * becomes the previous one and the one before is dropped. An entry read from
 * the previous generation moves back into the current one, so what is still in
 * use survives a rotation and what is not is dropped after two.
 *
 * The sidecar code caches per-entry renderings and parses with it: a file of
 * 5,000 claims keeps all of its entries across saves, and closed files fall out.
 */
export class TwoGenerationCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.current.size >= this.limit) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }
}
