/**
 * Why the churn collections exist, in one place.
 *
 * V8 keeps a Map or Set in a hash table that it replaces (rehashes) once deletions have used up
 * its free slots. The replaced table is not emptied: it keeps the entries it held and a link to the
 * table that replaced it (for iterators still walking it). When a table has reached the old
 * generation, its dead predecessor keeps its successor alive through every young-generation GC,
 * the successor is promoted in turn, and so on: each table in the chain is promoted together with
 * every entry that was live when it was replaced, and all of it waits for the next full GC.
 *
 * For the calls in flight to a plugin worker that chain promoted 3.4 KB per call (the call's
 * context and its whole HTTP request), made scavenges ten times slower and took a third of the
 * throughput of bench scenario 1. It starts only once a table has been promoted (an idle moment is
 * enough), which is why some runs were fast and others not.
 *
 * Starting a fresh collection now and then cuts the chain: a collection dropped whole (not
 * rehashed) links to nothing. It is done on insertion, once there have been more deletions since
 * the last fresh start than `RENEW_MIN` plus twice the live entries, so the copy costs O(1) per
 * deletion and iteration (which may delete) never sees the collection swapped under it.
 */
export const RENEW_MIN = 64;

/** Whether a collection with `size` live entries and `deletes` deletions since its last fresh start should start fresh. */
export const shouldRenew = (deletes: number, size: number): boolean => deletes >= RENEW_MIN + 2 * size;
