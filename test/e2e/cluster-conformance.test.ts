/**
 * Both official conformance suites through HAProxy in front of three replicas sharing Redis (issue
 * 15): every request of the suites may land on any replica, so a scenario passes only if what one
 * replica started (a 2025-11-25 session, a sealed 2026-07-28 requestState, a task, an SSE stream to
 * resume) is known to the others. One cluster serves every suite of this file.
 */
import { afterAll } from 'vitest';
import { CLI_2025, CLI_2026, EXTENSION_SCENARIOS_2026, PENDING_SCENARIOS_2025, SCENARIOS_2025, SCENARIOS_2026, conformanceSuite } from '../harness/conformance.js';
import { startCluster, type TestCluster } from '../harness/index.js';

let cluster: Promise<TestCluster> | undefined;
// The suites share the cluster, so none of them stops it; the file's afterAll (after every suite) does.
const target = async () => ({ url: (await (cluster ??= startCluster())).url, stop: async () => {} });
afterAll(async () => {
  await (await cluster)?.stop();
}, 90_000);

conformanceSuite({ title: 'cluster (3 replicas, HAProxy round robin): official conformance suite 0.1.16 (2025-11-25)', cli: CLI_2025, scenarios: SCENARIOS_2025, target });
conformanceSuite({ title: 'cluster (3 replicas, HAProxy round robin): official conformance suite 0.1.16, pending scenarios (server-sse-polling), no failure and no warning', cli: CLI_2025, scenarios: PENDING_SCENARIOS_2025, oneByOne: true, noWarnings: true, target });
conformanceSuite({
  title: 'cluster (3 replicas, HAProxy round robin): official conformance suite 0.2.0-alpha.12 --requirements 2026-07-28',
  cli: CLI_2026,
  args: ['--requirements', '2026-07-28'],
  scenarios: SCENARIOS_2026,
  target,
});
conformanceSuite({ title: 'cluster (3 replicas, HAProxy round robin): extension scenarios 0.2.0-alpha.12 (tasks, skills), one by one', cli: CLI_2026, scenarios: EXTENSION_SCENARIOS_2026, oneByOne: true, target });
