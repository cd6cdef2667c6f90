/**
 * The fixtures the official conformance suite expects of the server under test, as an mcp-host
 * plugin: those of @modelcontextprotocol/conformance@0.1.16 (2025-11-25) and the 2026-07-28
 * additions of 0.2.0-alpha.12 (`input-required-result-*`, the `server-stateless` diagnostics and the
 * `tasks-*` fixtures of the tasks extension).
 * Names, texts and schemas follow the suite's scenarios and its reference server.
 */
import { definePlugin } from '@mcp-host/sdk';
import { ConformancePrompts } from './ConformancePrompts.js';
import { ConformanceResources } from './ConformanceResources.js';
import { ConformanceTools } from './ConformanceTools.js';
import { DiagnosticFixtures } from './DiagnosticFixtures.js';
import { InputRequiredFixtures } from './InputRequiredFixtures.js';
import { TaskFixtures } from './TaskFixtures.js';

export default definePlugin({
  classes: [ConformanceTools, ConformanceResources, ConformancePrompts, InputRequiredFixtures, DiagnosticFixtures, TaskFixtures],
});
