// Imports dist/cli/<file>, or says how to build it when dist/ is missing (a checkout where
// `npm install` / `npm ci` has not run, or `npm ci --ignore-scripts`).
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

export async function loadBundle(file) {
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
