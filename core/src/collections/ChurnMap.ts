import { Churning } from './Churning.js';

/**
 * A Map for entries that come and go all the time (calls in flight) on an owner that lives long:
 * it starts a fresh Map now and then so V8's replaced hash tables do not chain and promote every
 * entry (see Churning). Same semantics as a Map for the methods it has.
 */
export class ChurnMap<K, V> extends Churning<K, Map<K, V>> implements Iterable<[K, V]> {
  protected copy(from?: Map<K, V>): Map<K, V> {
    return new Map(from);
  }

  get(key: K): V | undefined {
    return this.inner.get(key);
  }

  has(key: K): boolean {
    return this.inner.has(key);
  }

  set(key: K, value: V): this {
    this.beforeInsert();
    this.inner.set(key, value);
    return this;
  }

  keys(): MapIterator<K> {
    return this.inner.keys();
  }

  values(): MapIterator<V> {
    return this.inner.values();
  }

  entries(): MapIterator<[K, V]> {
    return this.inner.entries();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.inner.entries();
  }
}
