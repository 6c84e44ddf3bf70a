/**
 * `qpc` with no command (or `qpc tui`): the full-screen client. With no server given or saved it uses
 * the local qpc-server on 127.0.0.1:7443, starting it in the background when none answers.
 */
import { parseArgs } from 'node:util';
import { resolveProfileDir } from '../../engine/client/profile.js';
import { parseServerAddress, formatServerAddress } from '../../engine/net/serverAddress.js';
import { runTui } from '../../tui/runTui.js';
import { ExitCode } from '../exitCodes.js';
import { writeLine } from '../io.js';
import { localServerAddress, localServerDataDir } from '../localServer.js';
import type { CommandGroup } from './commandGroup.js';
import { TuiLaunch } from './tuiLaunch.js';

const help = `Usage: qpc [--profile DIR] [--server HOST:PORT]
       qpc tui [--profile DIR] [--server HOST:PORT]

Opens the full-screen client. The first run asks for the server, creates your account and shows your
24-word recovery phrase once; later runs unlock the profile and log in.

Options:
  --profile DIR     profile directory (default: QPC_HOME, else $XDG_DATA_HOME/quicprochat); one per user
  --server H:P      server address; remembered in the profile. Default: the local server ${localServerAddress},
                    started in the background when none answers (data in ${localServerDataDir()})
  -h, --help        show this help

Store key: QPC_STORE_KEY (64 hex digits) if set, else the OS keychain, else a passphrase (asked, or
QPC_PASSPHRASE). Keys inside the client: press ? (see docs/tui.md).`;

export const tuiCommand: CommandGroup = {
  name: 'tui',
  summary: 'the full-screen client (also: qpc with no command)',
  help,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        profile: { type: 'string' },
        server: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
    if (values.help) {
      writeLine(io.stdout, help);
      return ExitCode.ok;
    }
    const server =
      values.server === undefined ? undefined : formatServerAddress(parseServerAddress(values.server));
    const localPort = process.env.QPC_LOCAL_SERVER_PORT;
    const launch = new TuiLaunch({
      profileDir: resolveProfileDir(values.profile),
      server,
      env: process.env,
      ...(localPort === undefined || localPort === '' ? {} : { localPort: Number.parseInt(localPort, 10) }),
    });
    try {
      await runTui({ launch });
      return ExitCode.ok;
    } finally {
      await launch.close();
    }
  },
};
