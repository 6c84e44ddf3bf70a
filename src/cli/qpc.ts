/** The `qpc` entry point (bin/qpc.js runs its bundle; `npm run dev` runs it through tsx). */
import { runQpc } from './runQpc.js';

// Set exitCode rather than calling process.exit(), so buffered stdout is flushed before the process ends.
process.exitCode = await runQpc(process.argv.slice(2));
