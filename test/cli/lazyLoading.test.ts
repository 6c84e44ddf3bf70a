/**
 * A command loads only what it needs: `qpc --help` and `qpc --version` neither the MLS library nor Ink,
 * `qpc send` no Ink or React. Every module the real bin resolves is recorded through module hooks.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { QPC_BIN, TEST_STORE_KEY, removeDir, tempDir } from '../e2e/harness.js';

const register = fileURLToPath(new URL('./fixtures/registerImportLog.js', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

/** The node_modules packages the bin loaded for `args`. */
async function packagesLoaded(args: string[]): Promise<Set<string>> {
  const dir = tempDir('imports');
  dirs.push(dir);
  const log = join(dir, 'imports.log');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', register, QPC_BIN, ...args], {
      env: { ...process.env, QPC_IMPORT_LOG: log, QPC_STORE_KEY: TEST_STORE_KEY },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
  const names = new Set<string>();
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//u.exec(url);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return names;
}

describe('lazy loading', () => {
  it('qpc --help and --version load commander only: no ts-mls, no Ink', async () => {
    for (const flag of ['--help', '--version']) {
      const loaded = await packagesLoaded([flag]);
      expect(loaded.has('commander') || loaded.has('@commander-js/extra-typings'), flag).toBe(true);
      for (const heavy of ['ts-mls', 'ink', 'react', '@matrixai/quic', 'better-sqlite3-multiple-ciphers']) {
        expect(loaded.has(heavy), `${flag} loaded ${heavy}`).toBe(false);
      }
    }
  });

  it('qpc send loads the engine but not Ink or React', async () => {
    const loaded = await packagesLoaded(['send', 'team', 'hi', '--profile', join(tempDir('none'), 'p')]);
    expect(loaded.has('ts-mls')).toBe(true);
    expect(loaded.has('ink')).toBe(false);
    expect(loaded.has('react')).toBe(false);
  });
});
