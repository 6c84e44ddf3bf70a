#!/usr/bin/env node
// The sources are TypeScript run through tsx, so the bin always matches the checkout without a build step.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
// Ink draws only the last frame when CI is set (is-in-ci, read once at import). A TTY on both ends means a
// person is at the keyboard, so the full-screen client must draw whatever the environment says.
if (process.stdin.isTTY && process.stdout.isTTY) {
  process.env.CI = 'false';
  process.env.CONTINUOUS_INTEGRATION = 'false';
}
await import('../src/cli/qpc.ts');
