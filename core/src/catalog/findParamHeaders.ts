/** One `x-mcp-header` property of a tool's input schema: the header name and where its value sits in the arguments. */
export interface ParamHeader {
  readonly header: string;
  readonly path: readonly string[];
  readonly type: 'string' | 'integer' | 'boolean';
}

/** Finds the `x-mcp-header` properties of an input schema (reachable through `properties` only, as the spec allows). */
export function findParamHeaders(schema: Record<string, unknown>, path: string[] = []): ParamHeader[] {
  const out: ParamHeader[] = [];
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (!props || typeof props !== 'object') return out;
  for (const [key, prop] of Object.entries(props)) {
    if (!prop || typeof prop !== 'object') continue;
    const header = prop['x-mcp-header'];
    const type = prop.type;
    if (typeof header === 'string' && (type === 'string' || type === 'integer' || type === 'boolean')) out.push({ header, path: [...path, key], type });
    out.push(...findParamHeaders(prop, [...path, key]));
  }
  return out;
}
