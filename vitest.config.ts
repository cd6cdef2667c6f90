import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Legacy (tsyringe-style) decorators with emitted parameter metadata, as tsc compiles them.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } } as never,
  test: {
    include: ['sdk/src/**/*.test.ts', 'testing/src/**/*.test.ts', 'core/src/**/*.test.ts', 'config/src/**/*.test.ts', 'plugins/*/src/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Fails fast when a dist is older than its sources: the e2e suites spawn the compiled host.
    globalSetup: ['test/scripts/freshDist.ts'],
  },
});
