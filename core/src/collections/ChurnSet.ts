import { Churning } from './Churning.js';

/**
 * A Set for members that come and go all the time (open responses, calls on a connection) on an
 * owner that lives long: it starts a fresh Set now and then so V8's replaced hash tables do not
 * chain and promote every member (see Churning). Same semantics as a Set for the methods it has.
 */
export class ChurnSet<T> extends Churning<T, Set<T>> implements Iterable<T> {
  protected copy(from?: Set<T>): Set<T> {
    return new Set(from);
  }

  has(value: T): boolean {
    return this.inner.has(value);
  }

  add(value: T): this {
    this.beforeInsert();
    this.inner.add(value);
    return this;
  }

  values(): SetIterator<T> {
    return this.inner.values();
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.inner.values();
  }
}
