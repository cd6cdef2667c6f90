/** The methods that reach a plugin item: each call of one is one audit line. */
export const AUDITED: ReadonlySet<string> = new Set(['tools/call', 'resources/read', 'prompts/get', 'completion/complete', 'resources/subscribe']);
