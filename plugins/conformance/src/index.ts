/**
 * The fixtures @modelcontextprotocol/conformance@0.1.16 expects of the server under test, as an
 * mcp-host plugin. Names, texts and schemas follow the suite's scenarios and its reference server.
 */
import { definePlugin } from '@mcp-host/sdk';
import { ConformancePrompts } from './ConformancePrompts.js';
import { ConformanceResources } from './ConformanceResources.js';
import { ConformanceTools } from './ConformanceTools.js';

export default definePlugin({
  classes: [ConformanceTools, ConformanceResources, ConformancePrompts],
});
