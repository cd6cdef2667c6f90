import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { expandArgs, inputSchemaOf } from './argv.js';
import { placeholdersOf } from './placeholders.js';

describe('argument templates', () => {
  it('replaces placeholders inside one argument each, never splitting a value', () => {
    expect(placeholdersOf('--grep={{pattern}}:{{ n }}')).toEqual(['pattern', 'n']);
    expect(expandArgs(['test', '--', '{{pattern}}', '--grep={{pattern}}', '-n{{n}}'], { pattern: 'a b; rm -rf /', n: 3 })).toEqual(['test', '--', 'a b; rm -rf /', '--grep=a b; rm -rf /', '-n3']);
  });

  it('drops the arguments of an optional parameter left out', () => {
    expect(expandArgs(['run', '--filter={{filter}}', '{{target}}'], { target: 'all' })).toEqual(['run', 'all']);
  });
});

describe('input schemas from params', () => {
  const schema = inputSchemaOf({
    pattern: { type: 'string', pattern: '[\\w./-]*', allowLeadingDash: false },
    mode: { type: 'string', enum: ['fast', 'full'], default: 'fast', allowLeadingDash: false },
    count: { type: 'integer', minimum: 1, maximum: 5, required: false, allowLeadingDash: false },
    flag: { type: 'string', allowLeadingDash: true, required: false },
    verbose: { type: 'boolean', default: false, allowLeadingDash: false },
  });

  it('accepts valid values and fills defaults', () => {
    expect(schema.parse({ pattern: 'src/a.test.ts' })).toEqual({ pattern: 'src/a.test.ts', mode: 'fast', verbose: false });
    expect(schema.parse({ pattern: '', count: 5, flag: '--watch', verbose: true, mode: 'full' })).toMatchObject({ count: 5, flag: '--watch' });
  });

  it('anchors patterns, refuses a leading "-" unless allowed, and refuses unknown arguments', () => {
    expect(schema.safeParse({ pattern: 'ok; rm -rf /' }).success).toBe(false); // would match unanchored
    const dash = schema.safeParse({ pattern: '--exec=evil' });
    expect(dash.success).toBe(false);
    expect(z.prettifyError(dash.error!)).toContain('must match [\\w./-]* and must not start with "-"');
    expect(schema.safeParse({ pattern: 'a', count: 6 }).success).toBe(false);
    expect(schema.safeParse({ pattern: 'a', count: 1.5 }).success).toBe(false);
    expect(schema.safeParse({ pattern: 'a', mode: 'other' }).success).toBe(false);
    expect(schema.safeParse({ pattern: 'a', extra: 1 }).success).toBe(false);
    expect(schema.safeParse({}).success).toBe(false);
  });

  it('publishes a JSON Schema with the anchored pattern, required list and no extra properties', () => {
    const json = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, { pattern?: string }>; required: string[]; additionalProperties: boolean };
    expect(json.properties.pattern!.pattern).toBe('^(?!-)(?:[\\w./-]*)$');
    expect(json.required).toEqual(['pattern']);
    expect(json.additionalProperties).toBe(false);
  });
});
