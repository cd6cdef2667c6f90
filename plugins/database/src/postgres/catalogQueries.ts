/** Catalog queries behind list_tables, describe_table and the schema resources (PostgreSQL). */

const KIND = `CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE c.relkind::text END`;

/** $1: schemas to show, or null for every non-system schema. */
export const LIST_TABLES = `
  SELECT n.nspname AS schema, c.relname AS name, ${KIND} AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
     AND NOT c.relispartition
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
     AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
     AND has_schema_privilege(n.oid, 'USAGE')
   ORDER BY 1, 2`;

/** $1: a table name as a user would write it (`users`, `public.users`, `"Mixed Case"`). */
export const RESOLVE_TABLE = `
  SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, ${KIND} AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`;

/** $1: table oid. */
export const DESCRIBE_COLUMNS = `
  SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
         pg_get_expr(d.adbin, d.adrelid) AS default, col_description(a.attrelid, a.attnum) AS comment
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY a.attnum`;

/** $1: table oid. */
export const DESCRIBE_INDEXES = `
  SELECT i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
         ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS columns
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
   WHERE x.indrelid = $1
   ORDER BY x.indisprimary DESC, i.relname`;

/** $1: table oid. */
export const DESCRIBE_FOREIGN_KEYS = `
  SELECT ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(n, o) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS columns,
         rn.nspname AS ref_schema, r.relname AS ref_table,
         ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(n, o) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) AS ref_columns
    FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
   WHERE k.conrelid = $1 AND k.contype = 'f'
   ORDER BY k.conname`;
