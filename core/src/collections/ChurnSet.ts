import { shouldRenew } from './renewal.js';

/**
 * A Set for members that come and go all the time (open responses, calls on a connection) on an
 * owner that lives long: it starts a fresh Set now and then so V8's replaced hash tables do not
 * chain and promote every member (see renewal.ts). Same semantics as a Set for the methods it has.
 */
export class ChurnSet<T> implements Iterable<T> {
  private set = new Set<T>();
  private deletes = 0;

  get size(): number {
    return this.set.size;
  }

  has(value: T): boolean {
    return this.set.has(value);
  }

  add(value: T): this {
    if (this.deletes > 0 && shouldRenew(this.deletes, this.set.size)) {
      this.deletes = 0;
      this.set = new Set(this.set);
    }
    this.set.add(value);
    return this;
  }

  delete(value: T): boolean {
    if (!this.set.delete(value)) return false;
    this.deletes++;
    return true;
  }

  clear(): void {
    this.deletes = 0;
    this.set = new Set();
  }

  values(): SetIterator<T> {
    return this.set.values();
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.set.values();
  }
}
