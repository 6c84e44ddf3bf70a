/**
 * The main screen behind its lock. While unlocked it shows App over the current engine and counts every
 * key press as activity; once locked (by `/lock`, the key binding or the idle timer) App is unmounted,
 * so the chat leaves the screen and the TUI's memory with it, and the unlock prompt takes the whole
 * screen. Unlocking mounts a fresh App over the new engine, which loads what arrived meanwhile.
 */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useApp, useStdout } from 'ink';
import { App, readTerminalSize } from '../App.js';
import type { AppProps } from '../App.js';
import { createTheme, noColorRequested, ThemeContext } from '../components/theme.js';
import { KeypressRoot, useKeypress } from '../input/KeypressProvider.js';
import type { LockApi } from './lockApi.js';
import { createLockController } from './lockController.js';
import type { IdleTimer, LockController } from './lockController.js';
import { initialLockState } from './lockState.js';
import { LockScreen } from './LockScreen.js';

/** The `autoLockMinutes` setting's default (docs/client.md). */
export const defaultAutoLockMinutes = 15;

export interface SessionRootProps extends Omit<AppProps, 'onLock'> {
  /** Without it the client cannot lock (`/lock` says so) and no idle timer runs. */
  readonly lock?: LockApi;
  /** Minutes without a key press before the client locks itself; 0: never. Default 15. */
  readonly autoLockMinutes?: number;
  /** Tests inject a timer they fire by hand. */
  readonly idleTimer?: IdleTimer;
}

export function SessionRoot(props: SessionRootProps) {
  return (
    <KeypressRoot>
      <LockGate {...props} />
    </KeypressRoot>
  );
}

const noSubscription = (): (() => void) => () => undefined;
const unlockedState = () => initialLockState;

function LockGate({
  engine: firstEngine,
  lock,
  autoLockMinutes = defaultAutoLockMinutes,
  idleTimer,
  ...appProps
}: SessionRootProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  // Each unlock brings a new engine; the key makes React mount a fresh App (and controller) for it.
  const [session, setSession] = useState({ engine: firstEngine, generation: 0 });
  const [controller] = useState((): LockController | undefined =>
    lock === undefined
      ? undefined
      : createLockController({
          api: lock,
          idleMs: autoLockMinutes * 60_000,
          ...(idleTimer === undefined ? {} : { timer: idleTimer }),
          onUnlocked: (engine) => setSession((previous) => ({ engine, generation: previous.generation + 1 })),
          onQuit: () => exit(),
        }),
  );
  useEffect(() => {
    if (controller === undefined) return;
    controller.activity();
    return () => controller.stop();
  }, [controller]);

  useKeypress((keys) => {
    if (controller === undefined) return;
    if (controller.getState().phase === 'unlocked') controller.activity();
    else controller.handleKeys(keys);
  });

  const lockState = useSyncExternalStore(
    controller?.subscribe ?? noSubscription,
    controller?.getState ?? unlockedState,
  );
  // The prompt follows resizes as the main screen does.
  const [size, setSize] = useState(() => readTerminalSize(stdout));
  useEffect(() => {
    const onResize = (): void => setSize(readTerminalSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  const noColor = appProps.noColor ?? noColorRequested(process.env);
  const theme = useMemo(() => createTheme(noColor, appProps.theme), [noColor, appProps.theme]);

  if (lock !== undefined && lockState.phase !== 'unlocked') {
    return (
      <ThemeContext.Provider value={theme}>
        <LockScreen
          state={lockState}
          secretKind={lock.secretKind}
          idleMinutes={autoLockMinutes}
          columns={size.columns}
          rows={size.rows}
        />
      </ThemeContext.Provider>
    );
  }
  return (
    <App
      key={session.generation}
      {...appProps}
      engine={session.engine}
      {...(controller === undefined ? {} : { onLock: () => controller.lock('command') })}
    />
  );
}
