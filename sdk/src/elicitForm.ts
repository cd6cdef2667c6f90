import { toJSONSchema, type ZodType } from 'zod';
import type { ElicitOutcome, InputRequestOptions } from './context.js';
import { ToolError } from './errors.js';
import type { ElicitRequestFormParams, ElicitRequestParams, ElicitResult } from './protocolTypes.js';
import { isZodSchema } from './schema.js';

type RawElicit = (params: ElicitRequestParams, options?: InputRequestOptions) => Promise<ElicitResult>;

/** The `requestedSchema` of an elicitation for a zod object schema: a flat object, without the keywords elicitation does not take. */
export function requestedSchema(schema: ZodType): ElicitRequestFormParams['requestedSchema'] {
  const json = toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  if (json.type !== 'object') throw new TypeError('elicit(message, schema): the schema must be a zod object schema');
  // Elicitation schemas are a restricted, flat dialect: no $schema or additionalProperties.
  const { $schema: _s, additionalProperties: _a, ...rest } = json;
  return rest as never;
}

/**
 * Both forms of `ctx.elicit`, for a context that implements the raw one: with a zod schema, the
 * schema is sent as `requestedSchema` and an accepted answer comes back parsed by it.
 */
export async function elicitEither(raw: RawElicit, first: ElicitRequestParams | string, second?: unknown, third?: InputRequestOptions): Promise<ElicitResult | ElicitOutcome<unknown>> {
  if (typeof first !== 'string') return raw(first, second as InputRequestOptions | undefined);
  if (!isZodSchema(second)) throw new TypeError('elicit(message, schema): the schema must be a zod object schema');
  const result = await raw({ message: first, requestedSchema: requestedSchema(second) }, third);
  if (result.action !== 'accept') return { action: result.action };
  const parsed = await second.safeParseAsync(result.content ?? {});
  if (!parsed.success) throw new ToolError(`the answer to "${first}" does not fit the form: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`).join('; ')}`);
  return { action: 'accept', content: parsed.data };
}
