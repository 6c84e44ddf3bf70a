import { systemClock } from '../../lib/clock.js';
import { liveServer } from '../../server/ops/runState.js';
import { formatStatus } from '../../server/ops/serverStatus.js';
import { fetchRunningStatus, readStoppedStatus } from '../../server/ops/statusSources.js';
import { commandConfig, splitCommandArgs } from './commandArgs.js';

export const STATUS_USAGE = 'qpc-server status [--json] [--data DIR] [--config FILE]';

/**
 * `qpc-server status`: from the admin endpoint of the server running on the data directory, or, when
 * none runs, from the data directory itself (which then needs the database key, as the server does).
 */
export async function runStatusCommand(
  argv: readonly string[],
  normalize: (argv: readonly string[]) => string[],
): Promise<number> {
  const { own, rest } = splitCommandArgs(argv, { json: 'boolean' });
  const config = commandConfig(rest, normalize);
  const live = liveServer(config.dataDir);
  const report = live === undefined ? readStoppedStatus(config, systemClock) : await fetchRunningStatus(live);
  process.stdout.write(
    own.get('json') === true ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report)}\n`,
  );
  return 0;
}
