import type { AnyBinding } from '../catalog/bindings.js';
import type { Catalog } from '../catalog/Catalog.js';
import type { CallScope } from '../protocol/CallScope.js';

/** What a request is about, as its span names and labels it. */
export interface CallDescription {
  /** `{mcp.method.name} {target}`, or the method alone when there is no low-cardinality target. */
  readonly spanName: string;
  /** The item served, when the catalog knows it (its plugin labels the span). */
  readonly binding: AnyBinding | undefined;
  /** What the span's name calls the item: the tool or prompt name, the resource URI, or the template's URI template. */
  readonly target: string | undefined;
  readonly toolName: string | undefined;
  readonly promptName: string | undefined;
  readonly resourceUri: string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Describes one request for its span. The name's target comes from the catalog, never from the
 * request alone: a client inventing tool names or URIs must not invent span names (the conventions
 * ask for low-cardinality names), so an unknown item leaves the method alone in the name, and a
 * URI read through a template is named by its template. The attributes still say what was asked.
 */
export function describeCall(call: CallScope, catalog: Catalog): CallDescription {
  const { method, params } = call;
  let binding: AnyBinding | undefined;
  let target: string | undefined;
  let toolName: string | undefined;
  let promptName: string | undefined;
  let resourceUri: string | undefined;
  switch (method) {
    case 'tools/call':
      toolName = str(params.name);
      binding = toolName === undefined ? undefined : catalog.tools.get(toolName);
      target = binding && toolName;
      break;
    case 'prompts/get':
      promptName = str(params.name);
      binding = promptName === undefined ? undefined : catalog.prompts.get(promptName);
      target = binding && promptName;
      break;
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe': {
      resourceUri = str(params.uri);
      if (resourceUri === undefined) break;
      const fixed = catalog.resources.get(resourceUri);
      if (fixed) [binding, target] = [fixed, resourceUri];
      else {
        const template = catalog.matchTemplate(resourceUri)?.binding;
        if (template) [binding, target] = [template, template.descriptor.uriTemplate as string];
      }
      break;
    }
    case 'completion/complete': {
      const ref = params.ref as { type?: unknown; name?: unknown; uri?: unknown } | undefined;
      if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') {
        promptName = ref.name;
        binding = catalog.prompts.get(ref.name);
        target = binding && ref.name;
      } else if (ref?.type === 'ref/resource' && typeof ref.uri === 'string') {
        binding = catalog.templates.find((t) => t.descriptor.uriTemplate === ref.uri);
        target = binding && ref.uri;
      }
      break;
    }
  }
  return { spanName: target === undefined ? method : `${method} ${target}`, binding, target, toolName, promptName, resourceUri };
}
