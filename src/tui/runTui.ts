/**
 * Runs the TUI full screen until the user quits. Ink 6 has no alternate-screen option (Ink 7
 * has one but needs Node 22), so this enters it by hand and restores the terminal on every way out: quit, Ctrl-C,
 * SIGTERM/SIGINT/SIGHUP, an error thrown while rendering, an uncaught exception, and process exit.
 */
import { createElement } from 'react';
import { render } from 'ink';
import { ValidationError } from '../lib/errors.js';
import { SessionRoot } from './lock/SessionRoot.js';
import type { LockApi } from './lock/lockApi.js';
import type { EngineApi } from './engineApi.js';
import type { LaunchApi } from './launch/launchApi.js';
import { LaunchRoot } from './launch/LaunchRoot.js';
import { notifyModeFrom } from './notify.js';
import type { NotificationSetting, NotifyMode } from './notify.js';
import type { ThemeName } from './components/theme.js';
import type { TimeFormat } from './state/messageWindow.js';
import { installInkOutputCache } from './render/inkOutputCache.js';
import { tmuxDrawingOnWrite } from './render/tmuxEmoji.js';
import { applyColorDecision } from './terminalColor.js';
import { TuiErrorCode } from './tuiErrors.js';

/** The alternate screen, then bracketed paste: a paste arrives between markers, as one text. */
export const enterAlternateScreen = '\x1b[?1049h\x1b[?2004h';
/** Bracketed paste off, the cursor shown again (Ink hides it while running), the alternate screen left. */
export const leaveAlternateScreen = '\x1b[?2004l\x1b[?25h\x1b[?1049l';

/**
 * Ink throttles frames to 30 per second by default (33 ms), longer than a key press may take to show.
 * 120 keeps a frame within a few ms of the key; renders are cheap (only the rows on screen are built).
 */
export const maxFramesPerSecond = 120;

/** Either a ready engine, or a launch that opens the profile, runs the first run or logs in first. */
export type RunTuiOptions = RunTuiCommonOptions &
  (
    | { readonly engine: EngineApi; readonly launch?: undefined; readonly lock?: LockApi }
    | { readonly launch: LaunchApi; readonly engine?: undefined }
  );

export interface RunTuiCommonOptions {
  /** Default process.stdout / process.stdin. Both must be terminals. */
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  /** Default: from NO_COLOR, FORCE_COLOR and the terminal (terminalColor.ts), never from CI. */
  readonly noColor?: boolean;
  /** Bell or desktop notification for messages in groups not on screen; default QPC_NOTIFY (notify.ts). */
  readonly notify?: NotifyMode;
  /** The display settings from the config file (userSettings.ts); each defaults as without a file. */
  readonly settings?: DisplaySettings;
  /**
   * Default true: console output is routed above the screen instead of tearing it. Test runners that
   * replace `console` need false.
   */
  readonly patchConsole?: boolean;
}

export interface DisplaySettings {
  readonly theme?: ThemeName;
  readonly timeFormat?: TimeFormat;
  /** Overridden by `notify`, and by QPC_NOTIFY. */
  readonly notifications?: NotificationSetting;
  /** Minutes without a key press before the client locks (when it can); 0: never. Default 15. */
  readonly autoLockMinutes?: number;
}

/** How the TUI ended: the user quit, or a signal asked the process to stop. */
export type TuiExit =
  { readonly reason: 'quit' } | { readonly reason: 'signal'; readonly signal: NodeJS.Signals };

const stopSignals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export async function runTui(options: RunTuiOptions): Promise<TuiExit> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  if (stdin.isTTY !== true || stdout.isTTY !== true) {
    throw new ValidationError(TuiErrorCode.needsTerminal, 'qpc needs an interactive terminal', {
      hint: 'run it in a terminal, not through a pipe; scripts can use the qpc subcommands instead',
    });
  }

  // Inside tmux a skin tone or a ZWJ sequence split by a read would take more columns than laid out.
  const unpatchWrite = tmuxDrawingOnWrite(process.env, stdout);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    stdout.write(leaveAlternateScreen);
    unpatchWrite();
  };

  const color = applyColorDecision(process.env, stdout);
  // Most of a frame's cost is Ink re-reading rows that did not change; see inkOutputCache.ts.
  await installInkOutputCache();
  stdout.write(enterAlternateScreen);
  let signalled: NodeJS.Signals | undefined;
  const settings = options.settings ?? {};
  const resolvedNoColor = options.noColor ?? color.noColor;
  const notify =
    options.notify ??
    (settings.notifications === undefined
      ? undefined
      : notifyModeFrom(process.env, resolvedNoColor, settings.notifications));
  const noColor = {
    noColor: resolvedNoColor,
    ...(notify === undefined ? {} : { notify }),
    ...(settings.theme === undefined ? {} : { theme: settings.theme }),
    ...(settings.timeFormat === undefined ? {} : { timeFormat: settings.timeFormat }),
    ...(settings.autoLockMinutes === undefined ? {} : { autoLockMinutes: settings.autoLockMinutes }),
  };
  const root =
    options.engine !== undefined
      ? createElement(SessionRoot, {
          engine: options.engine,
          ...(options.lock === undefined ? {} : { lock: options.lock }),
          ...noColor,
        })
      : createElement(LaunchRoot, { launch: options.launch, ...noColor });
  const instance = render(root, {
    stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    maxFps: maxFramesPerSecond,
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    signalled = signal;
    instance.unmount();
  };
  let uncaught: Error | undefined;
  const onUncaught = (error: Error): void => {
    // Ink's unmount does not carry the error out, so keep it and throw it after the restore.
    // Unmount first: Ink writes a last frame, which must land on the alternate screen.
    uncaught = error;
    instance.unmount();
  };
  for (const signal of stopSignals) process.on(signal, onSignal);
  process.on('uncaughtException', onUncaught);
  // Last resort: even process.exit() from elsewhere leaves the terminal usable.
  process.on('exit', restore);

  try {
    await instance.waitUntilExit();
    if (uncaught !== undefined) throw uncaught;
    return signalled === undefined ? { reason: 'quit' } : { reason: 'signal', signal: signalled };
  } finally {
    for (const signal of stopSignals) process.off(signal, onSignal);
    process.off('uncaughtException', onUncaught);
    process.off('exit', restore);
    instance.cleanup();
    restore();
  }
}
