/** The TUI root: wires the controller to Ink's input, the terminal size and the theme. */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useApp, useStdout } from 'ink';
import type { EngineApi } from './engineApi.js';
import { MainScreen } from './components/MainScreen.js';
import { createTheme, noColorRequested, ThemeContext } from './components/theme.js';
import type { ThemeName } from './components/theme.js';
import type { TimeFormat } from './state/messageWindow.js';
import { defaultSize } from './state/layout.js';
import type { TerminalSize } from './state/layout.js';
import { createTuiController } from './tuiController.js';
import { KeypressRoot, useKeypress } from './input/KeypressProvider.js';
import { notificationSequence, notifyModeFrom } from './notify.js';
import type { NotifyMode } from './notify.js';

export interface AppProps {
  readonly engine: EngineApi;
  /** Defaults to the NO_COLOR environment variable. */
  readonly noColor?: boolean;
  /** How a message in a group not on screen is signalled; default from QPC_NOTIFY (notify.ts). */
  readonly notify?: NotifyMode;
  /** The `theme` and `timeFormat` settings; default auto and 24h. */
  readonly theme?: ThemeName;
  readonly timeFormat?: TimeFormat;
  /** `/lock` and Ctrl-L (SessionRoot passes it); absent: locking is not offered. */
  readonly onLock?: () => void;
}

/** Test streams and pipes may not report a size; 80x24 is the size the screens are designed for. */
export function readTerminalSize(stdout: { columns?: number; rows?: number }): TerminalSize {
  const columns = stdout.columns !== undefined && stdout.columns > 0 ? stdout.columns : defaultSize.columns;
  const rows = stdout.rows !== undefined && stdout.rows > 0 ? stdout.rows : defaultSize.rows;
  return { columns, rows };
}

export function App(props: AppProps) {
  return (
    <KeypressRoot>
      <MainApp {...props} />
    </KeypressRoot>
  );
}

function MainApp({
  engine,
  noColor = noColorRequested(process.env),
  notify,
  theme: themeName,
  timeFormat,
  onLock,
}: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [controller] = useState(() => {
    const mode = notify ?? notifyModeFrom(process.env, noColor);
    return createTuiController(engine, {
      size: readTerminalSize(stdout),
      ...(timeFormat === undefined ? {} : { timeFormat }),
      ...(onLock === undefined ? {} : { onLock }),
      onExit: () => exit(),
      onUnseenMessage: (groupName) => {
        const sequence = notificationSequence(mode, groupName);
        if (sequence !== '') stdout.write(sequence);
      },
    });
  });

  useEffect(() => controller.start(), [controller]);

  // Live resize: the layout is recomputed from the new size on the next render.
  useEffect(() => {
    const onResize = (): void => controller.resize(readTerminalSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [controller, stdout]);

  useKeypress((keys) => controller.handleKeys(keys));

  const state = useSyncExternalStore(controller.store.subscribe, controller.store.getState);
  const theme = useMemo(() => createTheme(noColor, themeName), [noColor, themeName]);
  return (
    <ThemeContext.Provider value={theme}>
      <MainScreen state={state} />
    </ThemeContext.Provider>
  );
}
