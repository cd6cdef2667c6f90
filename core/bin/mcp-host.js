#!/usr/bin/env node
// The `mcp-host` command: runs the compiled CLI (build first with `pnpm build`).
import '../dist/cli/main.js';
