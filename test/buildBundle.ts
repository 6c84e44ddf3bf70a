/**
 * Vitest global setup: the tests that spawn bin/qpc.js and bin/qpc-server.js run the bundle in dist/,
 * as users do, so it is rebuilt from the current sources once before any test (about a second).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildBundle(): void {
  const script = fileURLToPath(new URL('../scripts/build.js', import.meta.url));
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}
