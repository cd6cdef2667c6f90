import type { ToolBinding } from './bindings.js';

type Schema = Record<string, any>;

const typesOf = (s: Schema | undefined): Set<string> | undefined => {
  const t = s?.type;
  if (t === undefined) return undefined;
  const set = new Set<string>(Array.isArray(t) ? t : [t]);
  if (set.has('number')) set.add('integer'); // integer values still pass a number schema
  return set;
};

/** True when every value the old schema's type accepted is still accepted (no declared type is a full widening). */
function widensOrKeeps(before: Schema | undefined, after: Schema | undefined): boolean {
  const a = typesOf(before);
  const b = typesOf(after);
  if (!b) return true;
  if (!a) return false;
  for (const t of a) if (!b.has(t)) return false;
  return true;
}

function compareInput(name: string, before: Schema, after: Schema, out: string[]): void {
  const oldProps: Schema = before.properties ?? {};
  const newProps: Schema = after.properties ?? {};
  const oldRequired = new Set<string>(before.required ?? []);
  for (const r of after.required ?? []) if (!oldRequired.has(r)) out.push(`tool "${name}": required argument "${r}" added`);
  for (const key of Object.keys(oldProps)) {
    if (!(key in newProps)) {
      // Removing an argument breaks callers that send it when the schema refuses unknown arguments, or when it was required.
      if (oldRequired.has(key) || after.additionalProperties === false) out.push(`tool "${name}": argument "${key}" removed`);
      continue;
    }
    if (!widensOrKeeps(oldProps[key], newProps[key])) out.push(`tool "${name}": argument "${key}" type narrowed from ${JSON.stringify(oldProps[key]?.type)} to ${JSON.stringify(newProps[key]?.type)}`);
  }
}

function compareOutput(name: string, before: Schema | undefined, after: Schema | undefined, out: string[]): void {
  if (!before) return;
  if (!after) return void out.push(`tool "${name}": output schema removed`);
  const oldProps: Schema = before.properties ?? {};
  const newProps: Schema = after.properties ?? {};
  const newRequired = new Set<string>(after.required ?? []);
  for (const key of before.required ?? []) if (!newRequired.has(key)) out.push(`tool "${name}": output field "${key}" no longer guaranteed`);
  for (const key of Object.keys(oldProps)) {
    // An output type may narrow (callers still get what they expected); it must not change to something else.
    if (key in newProps && !widensOrKeeps(newProps[key], oldProps[key])) out.push(`tool "${name}": output field "${key}" type changed from ${JSON.stringify(oldProps[key]?.type)} to ${JSON.stringify(newProps[key]?.type)}`);
  }
}

/**
 * What in a new plugin version would break callers of the serving one: tools removed, required
 * arguments added, arguments removed, argument types narrowed, output fields dropped or retyped.
 * Empty when the new version is compatible.
 */
export function findBreakingChanges(before: readonly ToolBinding[], after: readonly ToolBinding[]): string[] {
  const out: string[] = [];
  const next = new Map(after.map((t) => [t.name, t]));
  for (const old of before) {
    const fresh = next.get(old.name);
    if (!fresh) {
      out.push(`tool "${old.name}" removed`);
      continue;
    }
    compareInput(old.name, old.input.jsonSchema, fresh.input.jsonSchema, out);
    compareOutput(old.name, old.output?.jsonSchema, fresh.output?.jsonSchema, out);
  }
  return out;
}
