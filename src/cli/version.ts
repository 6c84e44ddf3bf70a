import { readFileSync } from 'node:fs';

/**
 * The version in package.json. This file sits at src/cli/ and its bundle at dist/cli/: package.json is
 * two folders up from both.
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
