/*
 * Row helpers shared by the PostgreSQL reader (main thread) and the SQLite worker, which receives
 * their source text: keep each one self-contained (no imports, no references to other module
 * bindings, no class fields).
 */

/** Turns a driver value into something JSON can carry without loss or surprise. */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Uint8Array) {
    let hex = '\\x';
    for (const byte of value) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  return value;
}

/** Collects rows until the row limit or the byte limit (rows measured as JSON) would be passed. */
export class RowCollector {
  readonly rows: unknown[][];
  cut: 'rows' | 'bytes' | undefined;
  private bytes: number;
  private readonly maxRows: number;
  private readonly maxBytes: number;

  constructor(maxRows: number, maxBytes: number) {
    this.rows = [];
    this.cut = undefined;
    this.bytes = 2;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
  }

  /** Adds a row; returns false (and keeps the row out) once the result is full. */
  add(row: unknown[]): boolean {
    if (this.rows.length >= this.maxRows) {
      this.cut = 'rows';
      return false;
    }
    const size = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (this.bytes + size > this.maxBytes) {
      this.cut = 'bytes';
      return false;
    }
    this.bytes += size;
    this.rows.push(row);
    return true;
  }
}
