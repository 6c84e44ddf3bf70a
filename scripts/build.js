// Bundles the TypeScript sources into dist/ so a launch compiles nothing (npm runs this as `prepare`,
// also on `npm ci`). Packages stay external: native modules (SQLCipher, QUIC, keyring) and OPAQUE's wasm
// load from node_modules as they are. Every output file lands in dist/cli/, the same depth as src/cli/,
// so paths the CLI resolves from import.meta.url (../../bin, ../../package.json) hold in both.
import process from 'node:process';
import { URL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

try {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/qpc.ts', 'src/cli/qpcServer.ts'],
    outbase: 'src',
    outdir: 'dist',
    bundle: true,
    // Code a command does not need (Ink and React, ts-mls, QUIC) sits behind import() in its own chunk.
    splitting: true,
    chunkNames: 'cli/chunk-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    jsx: 'automatic',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
} catch {
  // esbuild has already printed the errors with file and line.
  process.exitCode = 1;
}
