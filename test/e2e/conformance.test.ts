import { CLI_2025, CLI_2026, EXTENSION_SCENARIOS_2026, PENDING_SCENARIOS_2025, SCENARIOS_2025, SCENARIOS_2026, conformanceSuite } from '../harness/conformance.js';
import { startTestHost } from '../harness/index.js';

// Each suite gets a fresh host serving plugins/conformance; both eras are served by the same host and endpoint.
const target = () => startTestHost();

conformanceSuite({ title: 'official conformance suite 0.1.16 (2025-11-25) over HTTP, no expected-failures file', cli: CLI_2025, scenarios: SCENARIOS_2025, target });
conformanceSuite({ title: 'official conformance suite 0.1.16, scenarios pending upstream (server-sse-polling), no failure and no warning', cli: CLI_2025, scenarios: PENDING_SCENARIOS_2025, oneByOne: true, noWarnings: true, target });
conformanceSuite({
  title: 'official conformance suite 0.2.0-alpha.12 --requirements 2026-07-28 over HTTP, no expected-failures file',
  cli: CLI_2026,
  args: ['--requirements', '2026-07-28'],
  scenarios: SCENARIOS_2026,
  target,
});
conformanceSuite({ title: 'official conformance suite 0.2.0-alpha.12, extension scenarios (tasks, skills), one by one', cli: CLI_2026, scenarios: EXTENSION_SCENARIOS_2026, oneByOne: true, target });
