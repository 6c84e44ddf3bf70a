import { packageVersion as versionFrom } from '../lib/packageVersion.js';

/** The version in package.json (the same from the sources and from the bundle in dist/cli/). */
export function packageVersion(): string {
  return versionFrom(import.meta.url);
}
