import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // node scripts/build.mjs once per run: tests of both projects read out/.
    globalSetup: ['test/helpers/build-app.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          environment: 'node',
          setupFiles: ['test/helpers/console-guard.ts'],
          // The unit files run in parallel on a 2-core machine that other work may load as well. Some
          // tests are legitimately heavy (electron-builder's schema check compiles scheme.json with
          // ajv; the packaging and build checks read out/), and Vitest's default 5 s let one of them
          // fail under load while it passed alone. A limit for a starved machine, not for a fast one:
          // tests synchronise on conditions, never on time, so a higher limit only delays a real hang.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          // After the unit tests, one file at a time: the real-audio and real-Home-Assistant tests
          // must not compete for the 2 cores (PulseAudio drops samples when starved).
          sequence: { groupOrder: 1 },
          include: ['test/contract/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/helpers/console-guard.ts'],
          testTimeout: 60_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
