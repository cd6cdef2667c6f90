import type { ResultColumn } from './Connection.js';

interface MaskRule {
  readonly schema?: string;
  /** `*` for any table. */
  readonly table: string;
  readonly column: string;
}

const lower = (s: string | undefined) => s?.toLowerCase();

/**
 * Masking rules of one connection (`users.email`, `public.users.email`, `*.password`), applied to
 * result columns by where their values come from:
 * - a column the database traces to a table column (PostgreSQL always, under any alias; SQLite
 *   when not aliased) is masked when a rule names that column;
 * - a column traced to a table but not to one of its columns (an alias on SQLite) is masked when a
 *   rule names that table at all, since it may carry the masked column under another name;
 * - a computed column (an expression) is masked when its name is a masked column's name.
 * Values derived from a masked column inside an expression under another name are not caught:
 * database privileges are the way to keep a column secret, masking keeps it out of casual view.
 */
export class ColumnMasker {
  private readonly rules: MaskRule[];

  constructor(
    rules: readonly string[],
    readonly replacement: string,
  ) {
    this.rules = rules.map((rule) => {
      const parts = rule.toLowerCase().split('.');
      return parts.length === 3 ? { schema: parts[0], table: parts[1]!, column: parts[2]! } : { table: parts[0]!, column: parts[1]! };
    });
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Whether a table's column is masked (for descriptions). */
  isMasked(schema: string | undefined, table: string, column: string): boolean {
    const [s, t, c] = [lower(schema), lower(table), lower(column)];
    return this.rules.some((r) => r.column === c && (r.table === '*' || (r.table === t && (r.schema === undefined || r.schema === s))));
  }

  /** Indexes of the result columns whose values must be masked. */
  columnsToMask(columns: readonly ResultColumn[]): number[] {
    const out: number[] = [];
    columns.forEach((col, index) => {
      const origin = col.origin;
      let masked: boolean;
      if (origin?.column !== undefined) masked = this.isMasked(origin.schema, origin.table, origin.column);
      else if (origin) {
        const [s, t] = [lower(origin.schema), lower(origin.table)];
        masked = this.rules.some((r) => (r.table === t && (r.schema === undefined || r.schema === s)) || (r.table === '*' && r.column === lower(col.name)));
      } else masked = this.rules.some((r) => r.column === lower(col.name));
      if (masked) out.push(index);
    });
    return out;
  }

  /** Replaces the non-null values of the given columns, in place; returns the masked column names. */
  apply(columns: readonly ResultColumn[], rows: unknown[][]): string[] {
    const indexes = this.columnsToMask(columns);
    for (const row of rows) for (const i of indexes) if (row[i] !== null && row[i] !== undefined) row[i] = this.replacement;
    return indexes.map((i) => columns[i]!.name);
  }
}
