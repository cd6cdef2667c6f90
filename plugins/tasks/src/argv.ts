import { z } from 'zod';
import type { ParamSpec } from './config.js';
import { PLACEHOLDER, placeholdersOf } from './placeholders.js';

const DEFAULT_MAX_LENGTH = 1000;

type Value = string | number | boolean;

/**
 * The argv of one run: each `{{param}}` replaced by its value, inside the one argument that holds
 * it (a value never becomes two arguments, and no shell ever sees it). An argument that mentions a
 * parameter the caller left out (an optional one without a default) is dropped.
 */
export function expandArgs(templates: readonly string[], values: Readonly<Record<string, Value | undefined>>): string[] {
  const argv: string[] = [];
  for (const template of templates) {
    const names = placeholdersOf(template);
    if (names.some((n) => values[n] === undefined)) continue;
    argv.push(template.replace(PLACEHOLDER, (_, n: string) => String(values[n])));
  }
  return argv;
}

/** The zod schema of one parameter, as published in the tool's input schema and checked again in the plugin. */
function paramSchema(spec: ParamSpec): z.ZodType {
  let schema: z.ZodType;
  switch (spec.type) {
    case 'boolean':
      schema = z.boolean();
      break;
    case 'integer':
    case 'number': {
      let n = spec.type === 'integer' ? z.number().int() : z.number();
      if (spec.minimum !== undefined) n = n.min(spec.minimum);
      if (spec.maximum !== undefined) n = n.max(spec.maximum);
      schema = n;
      break;
    }
    case 'string': {
      if (spec.enum) {
        schema = z.enum(spec.enum as [string, ...string[]]);
        break;
      }
      let s = z.string().max(spec.maxLength ?? DEFAULT_MAX_LENGTH);
      if (spec.minLength !== undefined) s = s.min(spec.minLength);
      // One anchored pattern: the author's must match the whole value, and a leading "-" (an option
      // smuggled into the command line) is refused unless allowed.
      const body = spec.pattern ?? '[\\s\\S]*';
      const source = `^${spec.allowLeadingDash ? '' : '(?!-)'}(?:${body})$`;
      if (spec.pattern !== undefined || !spec.allowLeadingDash) {
        const rule = [spec.pattern !== undefined ? `must match ${spec.pattern}` : '', spec.allowLeadingDash ? '' : 'must not start with "-"'].filter(Boolean).join(' and ');
        s = s.regex(new RegExp(source, 'u'), { error: rule });
      }
      schema = s;
      break;
    }
  }
  if (spec.description) schema = schema.describe(spec.description);
  if (spec.default !== undefined) return schema.default(spec.default as never);
  return spec.required === false ? schema.optional() : schema;
}

/** The input schema of a task's tool: one property per parameter, nothing else accepted. */
export function inputSchemaOf(params: Readonly<Record<string, ParamSpec>>): z.ZodObject {
  return z.strictObject(Object.fromEntries(Object.entries(params).map(([name, spec]) => [name, paramSchema(spec)])));
}
