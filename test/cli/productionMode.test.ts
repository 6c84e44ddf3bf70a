/** The bins run React and Ink in production mode unless the caller chose a NODE_ENV. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const loadBundle = new URL('../../bin/loadBundle.js', import.meta.url).href;

/** NODE_ENV as loadBundle leaves it, starting from `env`. */
function nodeEnvAfter(env: Record<string, string>): string {
  const script = `const { defaultToProduction } = await import(${JSON.stringify(loadBundle)});
defaultToProduction(process.env);
process.stdout.write(process.env.NODE_ENV ?? '(unset)');`;
  const { NODE_ENV: _dropped, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe('bin/loadBundle.js', () => {
  it('sets NODE_ENV=production when unset or empty, and keeps a value the caller set', () => {
    expect(nodeEnvAfter({})).toBe('production');
    expect(nodeEnvAfter({ NODE_ENV: '' })).toBe('production');
    expect(nodeEnvAfter({ NODE_ENV: 'development' })).toBe('development');
  });
});
