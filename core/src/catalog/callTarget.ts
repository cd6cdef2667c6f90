import type { Catalog } from './Catalog.js';
import type { AnyBinding } from './bindings.js';

/*
 * What a request names, read from its params: shared by the audit log (its `target` and
 * plugin@version) and the metrics (their tool, prompt and resource labels), so both agree on which
 * item a call was for.
 */

/** The name or URI of a completion's `ref` (`ref/prompt` by name, `ref/resource` by URI). */
export function refOf(ref: unknown): string | undefined {
  const r = ref as { name?: unknown; uri?: unknown } | undefined;
  return typeof r?.name === 'string' ? r.name : typeof r?.uri === 'string' ? r.uri : undefined;
}

/** The item a request is for, in `catalog`: undefined for requests that name none, or name one that is not served. */
export function bindingOf(method: string, params: Record<string, unknown>, catalog: Catalog): AnyBinding | undefined {
  if (method === 'tools/call' && typeof params.name === 'string') return catalog.tools.get(params.name);
  if (method === 'prompts/get' && typeof params.name === 'string') return catalog.prompts.get(params.name);
  if ((method === 'resources/read' || method === 'resources/subscribe') && typeof params.uri === 'string') return catalog.resources.get(params.uri) ?? catalog.matchTemplate(params.uri)?.binding;
  if (method === 'completion/complete') {
    const ref = params.ref as { type?: unknown; name?: unknown; uri?: unknown } | undefined;
    if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') return catalog.prompts.get(ref.name);
    if (ref?.type === 'ref/resource') return catalog.templates.find((t) => t.descriptor.uriTemplate === ref.uri);
  }
  return undefined;
}
