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
