import type { z } from 'zod';
import type { ConfigIssue } from './ConfigError.js';

/**
 * Zod reports unknown keys once per object (`path: ['server'], keys: ['prot']`); we report one
 * issue per key with its full path (`server.prot`) so the user sees exactly which line to fix.
 */
export function configIssuesFromZod(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: `unrecognized key "${key}"` }));
    }
    if (issue.code === 'invalid_type' && issue.expected === 'int') {
      return [{ path: formatPath(issue.path), message: 'expected an integer' }];
    }
    return [{ path: formatPath(issue.path), message: plainMessage(issue.message) }];
  });
}

/** Dotted path; array indices as `[0]`, and keys that would be ambiguous when dotted (plugin ids such as `@scope/x`) quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Zod's "Invalid input: " style prefixes add nothing once the path is shown. */
function plainMessage(message: string): string {
  const stripped = message.replace(/^Invalid (input|string|option|value): /, '');
  return stripped.charAt(0).toLowerCase() + stripped.slice(1);
}
