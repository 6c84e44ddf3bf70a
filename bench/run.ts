/**
 * `npm run bench`: prints every figure with the baseline it compares to, measured in this same run.
 * Sections live in bench/sections/; pass section names as arguments to run only some of them.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BenchSection } from './report.js';

const dir = fileURLToPath(new URL('./sections/', import.meta.url));
const wanted = new Set(process.argv.slice(2));
const files = (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort();

console.log(`quicprochat bench — node ${process.version}, ${process.platform}/${process.arch}`);
for (const file of files) {
  const mod = (await import(new URL(`./sections/${file}`, import.meta.url).href)) as {
    section: BenchSection;
  };
  if (wanted.size > 0 && !wanted.has(mod.section.name)) continue;
  await mod.section.run();
}
