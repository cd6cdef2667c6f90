/** One problem found in the configuration; `path` is dotted (`server.port`), or empty for the whole document. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** What went wrong, so a caller (the CLI) can pick an exit message or code without parsing text. */
export type ConfigErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_NOT_FOUND'
  | 'ERR_CONFIG_UNREADABLE'
  | 'ERR_CONFIG_SYNTAX'
  | 'ERR_CONFIG_ENV';

/**
 * Every configuration failure: a bad value, an unknown key, an unreadable file, a syntax error.
 * The message is a single line listing every issue, because it usually ends up as one log line or
 * one line on stderr, and a user fixing a file wants all the problems at once, not one per run.
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly issues: ConfigIssue[];
  /** Absolute path of the config file involved, when there is one. */
  readonly file?: string;

  constructor(
    source: string,
    issues: ConfigIssue[] = [],
    options: { code?: ConfigErrorCode; file?: string; cause?: unknown } = {},
  ) {
    const details = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    super(details.length > 0 ? `${source}: ${details.join('; ')}` : source, { cause: options.cause });
    this.name = 'ConfigError';
    this.code = options.code ?? 'ERR_CONFIG_INVALID';
    this.issues = issues;
    this.file = options.file;
  }
}
