/**
 * The base of ChurnMap and ChurnSet: a Map or Set that is started fresh now and then.
 *
 * Why: V8 keeps a Map or Set in a hash table that it replaces (rehashes) once deletions have used up
 * its free slots. The replaced table is not emptied: it keeps the entries it held and a link to the
 * table that replaced it (for iterators still walking it). When a table has reached the old
 * generation, its dead predecessor keeps its successor alive through every young-generation GC,
 * the successor is promoted in turn, and so on: each table in the chain is promoted together with
 * every entry that was live when it was replaced, and all of it waits for the next full GC.
 *
 * For the calls in flight to a plugin worker that chain promoted 3.4 KB per call (the call's
 * context and its whole HTTP request), made scavenges ten times slower and took a third of the
 * throughput of bench scenario 1. It starts only once a table has been promoted (an idle moment is
 * enough), so it came and went between runs of the same code.
 *
 * Starting a fresh collection now and then cuts the chain: a collection dropped whole (not
 * rehashed) links to nothing. It is done on insertion, once there have been more deletions since
 * the last fresh start than 64 plus twice the live entries, so the copy costs O(1) per
 * deletion and iteration (which may delete) never sees the collection swapped under it.
 */
export abstract class Churning<K, C extends { delete(key: K): boolean; readonly size: number }> {
  protected inner: C;
  private deletes = 0;

  constructor() {
    this.inner = this.copy();
  }

  /** A new collection of the kind, holding what `from` holds. */
  protected abstract copy(from?: C): C;

  /** Called before every insertion: starts fresh once enough deletions have gone by. */
  protected beforeInsert(): void {
    if (this.deletes >= 64 + 2 * this.inner.size) {
      this.deletes = 0;
      this.inner = this.copy(this.inner);
    }
  }

  get size(): number {
    return this.inner.size;
  }

  delete(key: K): boolean {
    if (!this.inner.delete(key)) return false;
    this.deletes++;
    return true;
  }

  clear(): void {
    this.deletes = 0;
    this.inner = this.copy();
  }
}
