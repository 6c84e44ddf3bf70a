/**
 * Runs the TUI full screen until the user quits. Ink 6 has no alternate-screen option (STACK.md,
 * pitfall 10), so this enters it by hand and restores the terminal on every way out: quit, Ctrl-C,
 * SIGTERM/SIGINT/SIGHUP, an error thrown while rendering, an uncaught exception, and process exit.
 */
import { createElement } from 'react';
import { render } from 'ink';
import { ValidationError } from '../lib/errors.js';
import { App } from './App.js';
import type { EngineApi } from './engineApi.js';
import type { LaunchApi } from './launch/launchApi.js';
import { LaunchRoot } from './launch/LaunchRoot.js';

export const enterAlternateScreen = '\x1b[?1049h';
/** Leaves the alternate screen and shows the cursor again (Ink hides it while running). */
export const leaveAlternateScreen = '\x1b[?25h\x1b[?1049l';

/** Either a ready engine, or a launch that opens the profile, runs the first run or logs in first. */
export type RunTuiOptions = RunTuiCommonOptions &
  (
    | { readonly engine: EngineApi; readonly launch?: undefined }
    | { readonly launch: LaunchApi; readonly engine?: undefined }
  );

export interface RunTuiCommonOptions {
  /** Default process.stdout / process.stdin. Both must be terminals. */
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  /** Default: the NO_COLOR environment variable. */
  readonly noColor?: boolean;
  /**
   * Default true: console output is routed above the screen instead of tearing it. Test runners that
   * replace `console` need false.
   */
  readonly patchConsole?: boolean;
}

/** How the TUI ended: the user quit, or a signal asked the process to stop. */
export type TuiExit =
  { readonly reason: 'quit' } | { readonly reason: 'signal'; readonly signal: NodeJS.Signals };

const stopSignals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export async function runTui(options: RunTuiOptions): Promise<TuiExit> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  if (stdin.isTTY !== true || stdout.isTTY !== true) {
    throw new ValidationError('TUI_NEEDS_TERMINAL', 'qpc needs an interactive terminal', {
      hint: 'run it in a terminal, not through a pipe; scripts can use the qpc subcommands instead',
    });
  }

  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    stdout.write(leaveAlternateScreen);
  };

  stdout.write(enterAlternateScreen);
  let signalled: NodeJS.Signals | undefined;
  const noColor = options.noColor === undefined ? {} : { noColor: options.noColor };
  const root =
    options.engine !== undefined
      ? createElement(App, { engine: options.engine, ...noColor })
      : createElement(LaunchRoot, { launch: options.launch, ...noColor });
  const instance = render(root, {
    stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
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
