// Imports dist/cli/<file>, or says how to build it when dist/ is missing (a checkout where
// `npm install` / `npm ci` has not run, or `npm ci --ignore-scripts`).
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

/**
 * React and Ink pick their development builds (several times slower per frame, extra checks and
 * warnings) unless NODE_ENV is "production". The bundle is what users run, so it runs in production
 * unless the caller chose otherwise. Set before the bundle is imported: React reads it when loaded.
 */
export function defaultToProduction(env) {
  if (env.NODE_ENV === undefined || env.NODE_ENV === '') env.NODE_ENV = 'production';
}

export async function loadBundle(file) {
  defaultToProduction(process.env);
  const url = new URL(`../dist/cli/${file}`, import.meta.url);
  if (!existsSync(url)) {
    process.stderr.write(
      `qpc: the bundle ${url.pathname} is missing: run "npm run build" (npm ci runs it as well),\n` +
        '  or run from the sources with "npm run dev -- ARGS"\n',
    );
    process.exitCode = 1;
    return;
  }
  await import(url.href);
}
