/** Renders the App against a FakeEngine at a given terminal size, for component tests. */
import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { App } from '../App.js';
import type { ThemeName } from '../components/theme.js';
import type { TimeFormat } from '../state/messageWindow.js';
import type { FakeEngine } from './fakeEngine.js';
import { waitForFrame } from './waitForFrame.js';

export type RenderedApp = ReturnType<typeof render>;

/** Gives the test stdout a size and tells Ink and the App, as a real terminal resize would. */
export function resizeTerminal(instance: RenderedApp, columns: number, rows: number): void {
  Object.defineProperty(instance.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(instance.stdout, 'rows', { value: rows, configurable: true });
  instance.stdout.emit('resize');
}

/** True when the frame is exactly `rows` lines, none wider than `columns` terminal columns. */
export function frameFits(frame: string, columns: number, rows: number): boolean {
  // eslint-disable-next-line no-control-regex -- SGR sequences are what is being removed
  const lines = frame.replace(/\x1b\[[0-9;]*m/gu, '').split('\n');
  return lines.length === rows && lines.every((line) => stringWidth(line) <= columns);
}

export async function renderApp(
  engine: FakeEngine,
  options: {
    columns?: number;
    rows?: number;
    noColor?: boolean;
    ready?: string;
    theme?: ThemeName;
    timeFormat?: TimeFormat;
  } = {},
): Promise<RenderedApp> {
  const columns = options.columns ?? 80;
  const rows = options.rows ?? 24;
  const instance = render(
    <App
      engine={engine}
      noColor={options.noColor ?? true}
      {...(options.theme === undefined ? {} : { theme: options.theme })}
      {...(options.timeFormat === undefined ? {} : { timeFormat: options.timeFormat })}
    />,
  );
  resizeTerminal(instance, columns, rows);
  const ready = options.ready ?? engine.self.username;
  await waitForFrame(
    instance,
    (frame) => frameFits(frame, columns, rows) && frame.includes(ready),
    `a ${columns}x${rows} frame showing ${ready}`,
  );
  return instance;
}
