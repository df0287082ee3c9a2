import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC instead of esbuild: esbuild drops decorator metadata, which Nest's DI needs.
export default defineConfig({
  plugins: [
    swc.vite({
      module: { type: 'es6' },
      jsc: {
        target: 'es2023',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
    }),
  ],
  test: {
    globals: false,
    environment: 'node',
    include: ['src/**/*.spec.ts', 'web/src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    setupFiles: ['test/support/teardown.ts'],
    // Sized for two cores busy with other work, where a boot takes many times its idle duration; a
    // test waits for readiness by polling, never for a fixed time, so these bound only a hang.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
