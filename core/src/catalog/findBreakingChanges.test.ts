import { describe, expect, it } from 'vitest';
import type { ToolBinding } from './bindings.js';
import { compileSchema } from './compileSchema.js';
import { findBreakingChanges } from './findBreakingChanges.js';

const tool = (name: string, input: Record<string, unknown>, output?: Record<string, unknown>) =>
  ({ name, input: compileSchema(input), output: output && compileSchema(output) }) as unknown as ToolBinding;

const obj = (properties: Record<string, unknown>, required: string[] = [], extra: Record<string, unknown> = {}) => ({ type: 'object', properties, required, ...extra });

describe('findBreakingChanges', () => {
  it('accepts compatible changes: a new optional argument, a widened type, a new tool', () => {
    const before = [tool('t', obj({ a: { type: 'string' } }, ['a']))];
    const after = [tool('t', obj({ a: { type: ['string', 'number'] }, b: { type: 'boolean' } }, ['a'])), tool('u', obj({}))];
    expect(findBreakingChanges(before, after)).toEqual([]);
  });

  it('reports a removed tool, an added required argument, a narrowed type and a removed required argument', () => {
    const before = [tool('gone', obj({})), tool('t', obj({ a: { type: 'number' }, b: { type: 'string' } }, ['b']))];
    const after = [tool('t', obj({ a: { type: 'integer' }, c: { type: 'string' } }, ['c']))];
    expect(findBreakingChanges(before, after)).toEqual([
      'tool "gone" removed',
      'tool "t": required argument "c" added',
      'tool "t": argument "a" type narrowed from "number" to "integer"',
      'tool "t": argument "b" removed',
    ]);
  });

  it('treats removing an optional argument as breaking only when unknown arguments are refused', () => {
    const before = [tool('t', obj({ a: { type: 'string' } }))];
    expect(findBreakingChanges(before, [tool('t', obj({}))])).toEqual([]);
    expect(findBreakingChanges(before, [tool('t', obj({}, [], { additionalProperties: false }))])).toEqual(['tool "t": argument "a" removed']);
  });

  it('reports output fields that are dropped or retyped, and a removed output schema', () => {
    const before = [tool('t', obj({}), obj({ id: { type: 'string' }, n: { type: 'integer' } }, ['id'])), tool('u', obj({}), obj({}))];
    const after = [tool('t', obj({}), obj({ n: { type: 'string' } })), tool('u', obj({}))];
    expect(findBreakingChanges(before, after)).toEqual([
      'tool "t": output field "id" no longer guaranteed',
      'tool "t": output field "n" type changed from "integer" to "string"',
      'tool "u": output schema removed',
    ]);
  });
});
