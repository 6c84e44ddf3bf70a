/** The `qpc` entry point (bin/qpc.js runs its bundle; `npm run dev` runs it through tsx). */
import { runQpc } from './runQpc.js';

// A reader that stops early (`qpc --help | head`) closes the pipe: that is not a failure of qpc.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

// Set exitCode rather than calling process.exit(), so buffered stdout is flushed before the process ends.
process.exitCode = await runQpc(process.argv.slice(2));
