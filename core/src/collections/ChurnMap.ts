import { shouldRenew } from './renewal.js';

/**
 * A Map for entries that come and go all the time (calls in flight) on an owner that lives long:
 * it starts a fresh Map now and then so V8's replaced hash tables do not chain and promote every
 * entry (see renewal.ts). Same semantics as a Map for the methods it has.
 */
export class ChurnMap<K, V> implements Iterable<[K, V]> {
  private map = new Map<K, V>();
  private deletes = 0;

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): this {
    if (this.deletes > 0 && shouldRenew(this.deletes, this.map.size)) {
      this.deletes = 0;
      this.map = new Map(this.map);
    }
    this.map.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (!this.map.delete(key)) return false;
    this.deletes++;
    return true;
  }

  clear(): void {
    this.deletes = 0;
    this.map = new Map();
  }

  keys(): MapIterator<K> {
    return this.map.keys();
  }

  values(): MapIterator<V> {
    return this.map.values();
  }

  entries(): MapIterator<[K, V]> {
    return this.map.entries();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.map.entries();
  }
}
