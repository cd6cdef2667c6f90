import { readFileSync } from 'node:fs';

/** The host's version: plugins' `engines["mcp-host"]` ranges are checked against it. */
export const HOST_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
