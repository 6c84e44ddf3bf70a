/** The `qpc` entry point (bin/qpc.js runs its bundle; `npm run dev` runs it through tsx). */
import { jsonLineTraceSink, setTraceSink } from '../lib/trace.js';
import { runQpc } from './runQpc.js';

// QPC_TRACE=1: one JSON line per hop of each message on stderr (docs/performance.md). A TUI session
// draws on stdout, so the lines can go to a file: `QPC_TRACE=1 qpc 2>trace.jsonl`.
if (process.env.QPC_TRACE === '1') setTraceSink(jsonLineTraceSink((line) => process.stderr.write(line)));

// A reader that stops early (`qpc --help | head`) closes the pipe: that is not a failure of qpc.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

// Set exitCode rather than calling process.exit(), so buffered stdout is flushed before the process ends.
process.exitCode = await runQpc(process.argv.slice(2));
