/**
 * Launch time of the shipped bins, whole process from spawn to exit (or to the first frame), against
 * `node -e 0` measured in the same run, interleaved so a machine that slows down slows both:
 *   qpc --version, qpc --help            target <= 4x bare node
 *   qpc whoami, qpc send (server on loopback)   target <= 10x
 *   the full-screen client's first frame of the main screen (in a pseudo-terminal)  target <= 12x
 * The bundle in dist/ is rebuilt first, as `npm ci` does.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { figure, heading, median, type BenchSection } from '../report.js';
import {
  QPC_BIN,
  TEST_STORE_KEY,
  registeredClient,
  removeDir,
  startServer,
  tempDir,
} from '../../test/e2e/harness.js';

const RUNS = 7;

/** Milliseconds from spawn until the process exits (or until `until` sees what it waits for). */
function timeProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  until?: (output: string) => boolean,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let done = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!done && until?.(output) === true) {
        done = true;
        resolve(performance.now() - started);
        child.kill('SIGTERM');
      }
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code) => {
      if (done) return;
      if (until !== undefined || code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${output}`));
      else resolve(performance.now() - started);
    });
  });
}

interface Pair {
  label: string;
  target: number;
  run: () => Promise<number>;
}

async function compare(pairs: readonly Pair[]): Promise<void> {
  for (const pair of pairs) {
    const base: number[] = [];
    const measured: number[] = [];
    await pair.run(); // warm-up: file cache, the local server's first session
    for (let index = 0; index < RUNS; index += 1) {
      base.push(await timeProcess(process.execPath, ['-e', '0'], {}));
      measured.push(await pair.run());
    }
    const ratio = median(measured) / median(base);
    figure(`${pair.label}: median`, median(measured), 'ms', `node -e 0: ${median(base).toFixed(0)} ms`);
    figure(
      `${pair.label}: ratio to node -e 0`,
      ratio,
      'x',
      `target <= ${pair.target}x ${ratio <= pair.target ? 'met' : 'MISSED'}`,
    );
  }
}

export const section: BenchSection = {
  name: 'launch',
  async run() {
    heading(`Launch of the bins (median of ${RUNS}, each beside node -e 0 in the same run)`);
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.js', import.meta.url))]);
    const serverDir = tempDir('bench-launch-server');
    const profileDir = tempDir('bench-launch-profile');
    const server = await startServer(serverDir);
    try {
      const client = await registeredClient(profileDir, server.address, 'launcher');
      await client.engine.connect();
      await client.engine.createGroup('bench');
      await client.close();
      const env = { QPC_STORE_KEY: TEST_STORE_KEY };
      const qpc = (...args: string[]) => timeProcess(process.execPath, [QPC_BIN, ...args], env);
      // A pseudo-terminal on both ends (util-linux `script`), as the client needs to draw.
      const tuiCommand = [process.execPath, QPC_BIN, '--profile', profileDir].join(' ');
      const firstFrame = () =>
        timeProcess(
          'script',
          ['-q', '-e', '-c', tuiCommand, '/dev/null'],
          { ...env, TERM: 'xterm-256color' },
          (out) => out.includes('Groups ('),
        );
      await compare([
        { label: 'qpc --version', target: 4, run: () => qpc('--version') },
        { label: 'qpc --help', target: 4, run: () => qpc('--help') },
        {
          label: 'qpc whoami (profile, offline)',
          target: 10,
          run: () => qpc('whoami', '--profile', profileDir),
        },
        {
          label: 'qpc send (server on loopback)',
          target: 10,
          run: () => qpc('send', 'bench', 'a message from the bench', '--profile', profileDir),
        },
        { label: 'qpc TUI: first frame of the main screen', target: 12, run: firstFrame },
      ]);
    } finally {
      await server.kill('SIGTERM');
      removeDir(serverDir);
      removeDir(profileDir);
    }
  },
};
