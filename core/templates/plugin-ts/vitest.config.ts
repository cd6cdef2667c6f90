import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vitest compiles the sources itself: the same legacy decorators and metadata as tsconfig.json.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } } as never,
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
