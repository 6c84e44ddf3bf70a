/** The launch screens until the engine is ready, then the main App, in one Ink instance. */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { Box, useApp } from 'ink';
import { useTerminalSize } from '../useTerminalSize.js';
import { SessionRoot } from '../lock/SessionRoot.js';
import type { LockApi } from '../lock/lockApi.js';
import { createTheme, noColorRequested, ThemeContext } from '../components/theme.js';
import type { ThemeName } from '../components/theme.js';
import type { TimeFormat } from '../state/messageWindow.js';
import type { EngineApi } from '../engineApi.js';
import type { NotifyMode } from '../notify.js';
import type { LaunchApi } from './launchApi.js';
import { createLaunchController } from './launchController.js';
import { LaunchScreen } from './LaunchScreen.js';
import { KeypressRoot, useKeypress } from '../input/KeypressProvider.js';

export interface LaunchRootProps {
  readonly launch: LaunchApi;
  readonly noColor?: boolean;
  readonly notify?: NotifyMode;
  /** The `theme` and `timeFormat` settings, for these screens and the main one after them. */
  readonly theme?: ThemeName;
  readonly timeFormat?: TimeFormat;
  /** Which recovery word to ask for; tests fix it. */
  readonly pickWord?: () => number;
  /** Minutes without a key press before the main screen locks; 0: never (default 15). */
  readonly autoLockMinutes?: number;
}

export function LaunchRoot(props: LaunchRootProps) {
  return (
    <KeypressRoot>
      <LaunchFlow {...props} />
    </KeypressRoot>
  );
}

function LaunchFlow({
  launch,
  noColor = noColorRequested(process.env),
  pickWord,
  notify,
  theme: themeName,
  timeFormat,
  autoLockMinutes,
}: LaunchRootProps) {
  const { exit } = useApp();
  // The launch screens follow resizes as the main screen does.
  const size = useTerminalSize();
  const [session, setSession] = useState<{ engine: EngineApi; lock: LockApi | undefined } | undefined>(
    undefined,
  );
  const engine = session?.engine;
  const [controller] = useState(() =>
    createLaunchController(launch, {
      onReady: () => setSession({ engine: launch.open(), lock: launch.lockApi?.() }),
      onCancel: () => exit(),
      ...(pickWord === undefined ? {} : { pickWord }),
    }),
  );
  useEffect(() => controller.start(), [controller]);
  useKeypress((keys) => controller.handleKeys(keys), engine === undefined);
  const state = useSyncExternalStore(controller.store.subscribe, controller.store.getState);
  const theme = useMemo(() => createTheme(noColor, themeName), [noColor, themeName]);
  if (session !== undefined) {
    return (
      <SessionRoot
        engine={session.engine}
        {...(session.lock === undefined ? {} : { lock: session.lock })}
        {...(autoLockMinutes === undefined ? {} : { autoLockMinutes })}
        noColor={noColor}
        {...(notify === undefined ? {} : { notify })}
        {...(themeName === undefined ? {} : { theme: themeName })}
        {...(timeFormat === undefined ? {} : { timeFormat })}
      />
    );
  }
  return (
    <ThemeContext.Provider value={theme}>
      <Box width={size.columns} height={size.rows}>
        <LaunchScreen state={state} width={size.columns} />
      </Box>
    </ThemeContext.Provider>
  );
}
