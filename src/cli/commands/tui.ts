/**
 * `qpc` with no command (or `qpc tui`): the full-screen client. With no server given or saved it uses
 * the configured default server, else the local qpc-server on 127.0.0.1:7443, started in the
 * background when none answers.
 */
import { resolveProfileDir } from '../../engine/client/profile.js';
import { parseServerAddress, formatServerAddress } from '../../engine/net/serverAddress.js';
import { ExitCode, type ExitCodeValue } from '../exitCodes.js';
import type { ClientFlags } from './clientSession.js';

/**
 * chalk turns colour off when CI is set to anything (CI=false included) and Ink draws only the last
 * frame: with a terminal on both ends a person is at the keyboard, so the client must not inherit CI.
 * Both read it when first imported, so this runs before Ink is loaded.
 */
export function forgetCiForTerminal(env: NodeJS.ProcessEnv, terminal: boolean): void {
  if (!terminal) return;
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
}

export async function tui(flags: ClientFlags): Promise<ExitCodeValue> {
  forgetCiForTerminal(process.env, process.stdin.isTTY && process.stdout.isTTY);
  // Loaded only now, side by side (Ink compiles its layout engine while the engine's modules load):
  // the other commands need neither Ink and React nor all of these.
  const [{ runTui }, { TuiLaunch }] = await Promise.all([
    import('../../tui/runTui.js'),
    import('./tuiLaunch.js'),
  ]);
  const server =
    flags.server === undefined ? undefined : formatServerAddress(parseServerAddress(flags.server));
  // Read before the screen opens: a mistake in the file is reported on the terminal (SETTINGS_INVALID,
  // naming the file and the key), not hidden behind the alternate screen.
  const { loadUserSettings } = await import('../../engine/settings/userSettings.js');
  const settings = loadUserSettings();
  const localPort = process.env.QPC_LOCAL_SERVER_PORT;
  const launch = new TuiLaunch({
    profileDir: resolveProfileDir(flags.profile),
    server,
    defaultServer: () => Promise.resolve(settings.defaultServer === '' ? undefined : settings.defaultServer),
    env: process.env,
    ...(localPort === undefined || localPort === '' ? {} : { localPort: Number.parseInt(localPort, 10) }),
  });
  try {
    await runTui({
      launch,
      settings: {
        theme: settings.theme,
        timeFormat: settings.timeFormat,
        notifications: settings.notifications,
        autoLockMinutes: settings.autoLockMinutes,
      },
    });
    return ExitCode.ok;
  } finally {
    await launch.close();
  }
}
