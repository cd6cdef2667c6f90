/**
 * The layer rules of mcp-host (docs/architecture.md, "Layers"), checked by `pnpm lint:layers` in
 * `pnpm test`. Imports point one way:
 *
 *   cli → kernel → transport → protocol → catalog → collections, identity, calls, errors
 *                                 ↑    ↖ ports ← auth, telemetry, cluster, context
 *                    plugins (loader, runtimes) → catalog, calls, sdk
 *          kernel → admin (the admin listener: reads plugins, telemetry, protocol; never a transport)
 *
 * The entry of a worker or process (`plugins/runtime/workerMain.ts`) and its logger are runtime
 * roots: they compose the plugin's side as the kernel composes the host, so they may use auth
 * (log masking) too.
 *
 * Type-only imports count: a layer that knows another's types depends on it. Violations that
 * existed when the rules were written are listed in .dependency-cruiser-known-violations.json (a
 * baseline that may only shrink: regenerate it with `pnpm lint:layers:baseline` after removing one);
 * any new one fails the run.
 */
const core = (folder) => `^core/src/${folder}/`;
const notTests = '\\.(test|testkit)\\.ts$';
const runtimeRoots = '^core/src/plugins/runtime/(workerMain|pluginLogger)\\.ts$';

/** A folder of core/src and the folders it must not import. */
const layer = (name, from, forbidden, comment, pathNot = notTests) => ({
  name,
  severity: 'error',
  comment,
  from: { path: core(from), pathNot },
  to: { path: `^core/src/(${forbidden.join('|')})/` },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Modules that import each other, directly or through others, cannot be understood (or tested) apart.', from: { pathNot: notTests }, to: { circular: true } },
    layer('errors-are-a-leaf', 'errors', ['admin', 'telemetry', 'auth', 'calls', 'catalog', 'cli', 'collections', 'identity', 'kernel', 'plugins', 'protocol', 'transport'], 'The one catalogue of error codes every layer answers with.'),
    layer('calls-are-a-leaf', 'calls', ['admin', 'telemetry', 'auth', 'catalog', 'cli', 'collections', 'identity', 'kernel', 'plugins', 'protocol', 'transport'], "A call's lifetime, its data limits and its signals are shared by the engine and the plugin runtimes; they depend on neither."),
    layer('identity-is-a-leaf', 'identity', ['admin', 'telemetry', 'auth', 'catalog', 'cli', 'collections', 'kernel', 'plugins', 'protocol', 'transport'], 'Principals (the anonymous one, the constructor) are data every layer may use.'),
    layer('collections-are-a-leaf', 'collections', ['admin', 'telemetry', 'auth', 'catalog', 'cli', 'kernel', 'plugins', 'protocol', 'transport'], 'Collections are data structures: they know nothing of the host.'),
    layer('tasks-hold-state-only', 'tasks', ['admin', 'telemetry', 'auth', 'catalog', 'cli', 'kernel', 'plugins', 'protocol', 'transport'], 'Tasks are state (who owns which, until when); the protocol renders them and runs their handlers.'),
    layer('skills-are-read-from-folders', 'skills', ['admin', 'telemetry', 'auth', 'cli', 'kernel', 'plugins', 'protocol', 'transport'], 'Skills are folders read into catalog bindings; the loader attaches them, the protocol serves them.'),
    layer('events-implement-a-port', 'events', ['admin', 'telemetry', 'auth', 'catalog', 'cli', 'kernel', 'plugins', 'transport', 'tasks', 'skills'], 'Event stores implement the protocol\'s EventStore port (resumable SSE); the kernel hands one to the transport.'),
    layer('catalog-knows-bindings-only', 'catalog', ['admin', 'telemetry', 'auth', 'cli', 'kernel', 'plugins', 'protocol', 'transport', 'context'], 'The catalog knows bindings, revisions and visibility — not JSON-RPC, not who enforces what.'),
    layer('context-implements-a-port', 'context', ['admin', 'telemetry', 'auth', 'cli', 'kernel', 'plugins', 'transport', 'cluster', 'events', 'tasks', 'skills'], 'Shared context implements the protocol\'s ContextPort (and serves its resources as catalog bindings); the kernel hands it to the engine and the plugin runtimes, and picks its store.'),
    layer('protocol-sees-security-through-ports', 'protocol', ['admin', 'telemetry', 'auth', 'cli', 'kernel', 'plugins', 'transport', 'cluster', 'context'], 'The engine sees security through interfaces it owns (ports), which auth implements; it never knows a transport or a runtime.'),
    layer('auth-implements-ports', 'auth', ['admin', 'telemetry', 'cli', 'kernel', 'plugins', 'transport'], 'Auth implements the protocol\'s ports and reads the catalog; it is handed to the engine by the kernel.'),
    layer('cluster-implements-ports', 'cluster', ['admin', 'telemetry', 'auth', 'cli', 'kernel', 'plugins', 'transport', 'catalog', 'context'], 'The cluster layer implements the protocol\'s cluster ports on Redis (sessions, bus); the kernel hands it to the transports and the engine.'),
    layer('telemetry-implements-ports', 'telemetry', ['admin', 'auth', 'cli', 'kernel', 'transport'], 'Telemetry implements the protocol\'s observe ports and hears the supervisor\'s events; it is handed to the engine and the transports by the kernel.'),
    layer('admin-is-composed-by-the-kernel', 'admin', ['cli', 'kernel', 'transport'], 'The admin listener reads the plugins, telemetry and security it is given; it never reaches into the MCP transports or the kernel.'),
    layer('plugins-reach-the-catalog-only', 'plugins', ['admin', 'telemetry', 'auth', 'cli', 'kernel', 'protocol', 'transport', 'context'], 'Loaders and runtimes produce bindings for the catalog; the engine calls them through the binding interface.', `${notTests}|${runtimeRoots}`),
    { name: 'runtime-roots-compose-the-plugin-side', severity: 'error', comment: 'A worker or process entry composes the plugin\'s side; like the kernel it never reaches a transport or the CLI.', from: { path: runtimeRoots }, to: { path: '^core/src/(cli|kernel|transport)/' } },
    layer('transport-asks-the-engine', 'transport', ['admin', 'telemetry', 'auth', 'catalog', 'cli', 'events', 'kernel', 'plugins', 'cluster', 'context'], 'Transports hand messages to the engine and ask it; they do not reach into the catalog, the plugins or security.'),
    layer('kernel-is-not-imported', 'kernel', ['cli'], 'The kernel composes the host; only the CLI (and the package entry) start it.'),
    layer('cli-starts-the-kernel', 'cli', ['admin', 'telemetry', 'auth', 'catalog', 'collections', 'plugins', 'protocol', 'transport'], 'The CLI parses flags and starts the kernel; everything else is the kernel\'s to build.'),
    { name: 'sdk-is-a-contract', severity: 'error', comment: 'The plugin authors\' contract depends on no machinery.', from: { path: '^sdk/src/' }, to: { path: '^(core|config)/' } },
    { name: 'plugins-import-only-the-sdk', severity: 'error', comment: 'A plugin package imports @mcp-host/sdk, never the host.', from: { path: '^plugins/', pathNot: notTests }, to: { path: '^(core|config)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    parser: 'swc',
  },
};
