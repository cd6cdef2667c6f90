import { FIRST_DRAFT_CAPABILITY, TASKS_EXTENSION } from './taskWire.js';
import { SKILLS_EXTENSION } from './skillMethods.js';
import { APPS_EXTENSION, MCP_APP_MIME_TYPE } from '@mcp-host/sdk';
import { invalidParams } from '../ProtocolError.js';
import { isLoggingLevel } from '../Session.js';
import { negotiateVersion } from '../versions.js';
import { isModernVersion, MetaKey } from '../modern/modernMeta.js';
import type { EngineDeps, MethodTable } from './MethodHandler.js';

export const SERVER_CAPABILITIES = Object.freeze({
  tools: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  prompts: { listChanged: true },
  completions: {},
  logging: {},
  // Extensions (SEP-2133): settings objects keyed by extension id.
  extensions: { [TASKS_EXTENSION]: {}, [SKILLS_EXTENSION]: { directoryRead: true }, [APPS_EXTENSION]: { mimeTypes: [MCP_APP_MIME_TYPE] } },
});

/** A session also hears of the first draft of tasks (2025-11-25 clients ask for them with `params.task`); 2026-07-28 has only the extension. */
const LEGACY_CAPABILITIES = Object.freeze({ ...SERVER_CAPABILITIES, tasks: FIRST_DRAFT_CAPABILITY });

/** The `_meta` key of the note an initialize asking for a stateless-era version gets with its (legacy) answer. */
export const STATELESS_ERA_NOTE = 'dev.mcp-host/statelessEra';

/**
 * 2026-07-28 has no initialize: a client asking for it there (an SDK that tries its newest
 * version first) negotiates the latest session version, as the spec says, and is told how it
 * could speak the stateless era instead (the result's `_meta` is open to implementations).
 */
const statelessNote = (asked: string, negotiated: string) => ({
  [STATELESS_ERA_NOTE]: {
    requested: asked,
    negotiated,
    message: `${asked} is served statelessly, without initialize or a session: send each request with params._meta["${MetaKey.protocolVersion}"] = "${asked}" (with "${MetaKey.clientCapabilities}" and "${MetaKey.clientInfo}"); server/discover lists the versions. This session speaks ${negotiated}.`,
  },
});

/** The legacy era's lifecycle: initialize, ping, logging/setLevel. */
export function lifecycleMethods(deps: EngineDeps): MethodTable {
  return {
    initialize({ params, session: s }) {
      const session = s!;
      if (typeof params.protocolVersion !== 'string') throw invalidParams('initialize: "protocolVersion" must be a string');
      if (params.capabilities !== undefined && (typeof params.capabilities !== 'object' || params.capabilities === null)) throw invalidParams('initialize: "capabilities" must be an object');
      session.protocolVersion = negotiateVersion(params.protocolVersion);
      session.clientCapabilities = (params.capabilities as never) ?? {};
      session.clientInfo = params.clientInfo as never;
      session.initialized = true;
      return {
        protocolVersion: session.protocolVersion,
        capabilities: LEGACY_CAPABILITIES,
        serverInfo: deps.serverInfo,
        ...(deps.instructions ? { instructions: deps.instructions } : {}),
        ...(isModernVersion(params.protocolVersion) ? { _meta: statelessNote(params.protocolVersion, session.protocolVersion) } : {}),
      };
    },
    ping: () => ({}),
    'logging/setLevel'({ params, session }) {
      if (!session) throw invalidParams('logging/setLevel needs a session');
      if (!isLoggingLevel(params.level)) throw invalidParams(`logging/setLevel: unknown level ${JSON.stringify(params.level)}`, { supported: ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] });
      session.logLevel = params.level;
      session.changed();
      return {};
    },
  };
}
