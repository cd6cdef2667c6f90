/**
 * @mcp-host/sdk/internal — what the host's loader and scanner read of a plugin, kept out of the
 * author's import surface (`@mcp-host/sdk`). Not a contract for plugins: it changes with the host.
 */
export { readMembers, type MemberRecord } from './decorators/recordMember.js';
export { METADATA_KEYS, PLUGIN_BRAND } from './metadataKeys.js';
export { isPluginDefinition } from './definePlugin.js';
export { addItems, removeItems } from './pluginItems.js';
export { elicitEither, requestedSchema } from './elicitForm.js';
export { promptArgumentList } from './promptArguments.js';
