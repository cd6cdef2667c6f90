/** Paths pino always redacts: credentials in any headers object a log line might carry. */
const CREDENTIALS = ['authorization', 'headers.authorization', '*.headers.authorization', 'headers.cookie', '*.headers.cookie', 'token', '*.token'];

/** pino path syntax: identifiers as they are, anything else bracket-quoted. */
const segment = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`);

/**
 * pino `redact` paths for the credentials and the configured sensitive fields. pino's wildcards
 * match one level, so fields are listed at the top and a few levels down, which covers the objects
 * log lines carry (arguments, results, errors); masking of what goes to clients is done by the
 * masker, at any depth.
 */
export function logRedactPaths(fields: readonly string[]): string[] {
  const paths = new Set(CREDENTIALS);
  for (const f of fields) {
    const s = segment(f);
    for (const prefix of ['', '*.', '*.*.', '*.*.*.']) paths.add(`${prefix}${s}`.replace(/\.\[/g, '['));
  }
  return [...paths];
}
