import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type ConfigIssue } from './ConfigError.js';
import { isPlainObject } from './mergeConfig.js';

/**
 * Reads a config file into a raw (unvalidated) value: `.json` as JSON, anything else as YAML
 * (`.yaml`/`.yml`, and other names too, since YAML is a superset of JSON). An empty file is `{}`.
 *
 * Relative entries in `plugins.paths` (and `auth.jwt.jwksFile`) are resolved here against the file's own folder, because a
 * file that says `plugins: { paths: [./my-plugin] }` means "next to me", whatever the cwd is.
 * Paths given by flags or the environment are resolved against the cwd instead (see `loadConfig`).
 *
 * Throws `ConfigError` when the file is missing, unreadable, or not valid YAML/JSON; the schema is
 * not applied here.
 */
export async function readConfigFile(file: string): Promise<unknown> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(`config file not found: ${abs}`, [], { code: 'ERR_CONFIG_NOT_FOUND', file: abs, cause });
    }
    throw new ConfigError(`cannot read config file ${abs}`, [{ path: '', message: (cause as Error).message }], {
      code: 'ERR_CONFIG_UNREADABLE',
      file: abs,
      cause,
    });
  }
  const raw = path.extname(abs).toLowerCase() === '.json' ? parseJson(text, abs) : await parseYaml(text, abs);
  return resolvePluginPaths(raw ?? {}, path.dirname(abs));
}

async function parseYaml(text: string, file: string): Promise<unknown> {
  // Imported here, not at the top: a host started without a config file (the embedded default,
  // `--stdio` spawned by a desktop client) answers sooner without loading a YAML parser (~50 ms).
  const { LineCounter, parseDocument } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    // All syntax errors at once, each with its position, rather than only the first.
    const issues: ConfigIssue[] = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { path: '', message: `line ${line}, column ${col}: ${firstLine(error.message)}` };
    });
    throw new ConfigError(`invalid YAML in ${file}`, issues, { code: 'ERR_CONFIG_SYNTAX', file, cause: doc.errors[0] });
  }
  return doc.toJS();
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const message = firstLine((cause as Error).message);
    // V8 gives a character offset ("at position 42"); a line and column is what an editor jumps to.
    const match = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
    const located = match
      ? `${lineAndColumn(text, Number(match[2]))}: ${match[1]}`
      : message;
    throw new ConfigError(`invalid JSON in ${file}`, [{ path: '', message: located }], {
      code: 'ERR_CONFIG_SYNTAX',
      file,
      cause,
    });
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.trim();
}

function resolvePluginPaths(raw: unknown, dir: string): unknown {
  raw = resolveJwksFile(raw, dir);
  if (!isPlainObject(raw) || !isPlainObject(raw.plugins) || !Array.isArray(raw.plugins.paths)) return raw;
  // Non-strings are left alone for the schema to report with their path.
  const paths = raw.plugins.paths.map((entry: unknown) => (typeof entry === 'string' ? path.resolve(dir, entry) : entry));
  return { ...raw, plugins: { ...raw.plugins, paths } };
}

/** `auth.jwt.jwksFile` means "next to me" too, like plugin paths. */
function resolveJwksFile(raw: unknown, dir: string): unknown {
  if (!isPlainObject(raw) || !isPlainObject(raw.auth) || !isPlainObject(raw.auth.jwt) || typeof raw.auth.jwt.jwksFile !== 'string') return raw;
  return { ...raw, auth: { ...raw.auth, jwt: { ...raw.auth.jwt, jwksFile: path.resolve(dir, raw.auth.jwt.jwksFile) } } };
}
