import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests that spawn the bins run the bundle: build it from the current sources first.
    globalSetup: ['test/buildBundle.ts'],
    // The TUI tests render through Ink, which draws only a final frame when CI is set; the tests stand
    // for a person at a terminal, so the workers (and the qpc processes they spawn) run without it.
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false' },
  },
});
