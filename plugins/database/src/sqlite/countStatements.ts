/**
 * Counts the statements in an SQL text (SQLite dialect), skipping string literals, quoted
 * identifiers and comments. SQLite's prepare compiles only the first statement and ignores the
 * rest, so a second statement would otherwise vanish without a word. A trigger body
 * (`CREATE TRIGGER … BEGIN …; …; END`) counts as one statement.
 */
export function countStatements(sql: string): number {
  let count = 0;
  let hasContent = false;
  let depth = 0; // BEGIN … END nesting inside CREATE TRIGGER
  let words: string[] = [];
  let i = 0;
  const n = sql.length;
  const endStatement = () => {
    if (hasContent) count++;
    hasContent = false;
    words = [];
  };
  while (i < n) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      const close = ch === '[' ? ']' : ch;
      i++;
      while (i < n) {
        if (sql[i] === close) {
          if (close !== ']' && sql[i + 1] === close) i += 2;
          else break;
        } else i++;
      }
      i++;
      hasContent = true;
      continue;
    }
    if (ch === ';') {
      if (depth === 0) endStatement();
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      const word = sql.slice(i, j).toUpperCase();
      if (words.length < 4) words.push(word);
      const isTrigger = words[0] === 'CREATE' && words.slice(1).includes('TRIGGER');
      if (isTrigger && (word === 'BEGIN' || word === 'CASE')) depth++;
      else if (isTrigger && word === 'END' && depth > 0) depth--;
      hasContent = true;
      i = j;
      continue;
    }
    if (!/\s/.test(ch)) hasContent = true;
    i++;
  }
  endStatement();
  return count;
}

/**
 * Statements a connection never runs: `ATTACH`/`DETACH` would reach database files other than the
 * configured one, and `VACUUM INTO` writes a new file even through a read-only handle. Returns why,
 * or undefined.
 */
export function forbiddenStatement(sql: string): string | undefined {
  const text = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  if (/^(ATTACH|DETACH)\b/i.test(text)) return 'ATTACH and DETACH are not allowed: a connection reaches only its own database file';
  if (/^VACUUM\b[\s\S]*\bINTO\b/i.test(text)) return 'VACUUM INTO is not allowed: it writes a new database file';
  return undefined;
}
