/**
 * The terminal's size, kept current: Ink redraws on `resize` but does not re-render components, so a
 * screen that read the size once kept its old width and height after the window changed.
 */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import { readTerminalSize } from './App.js';
import type { TerminalSize } from './state/layout.js';

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readTerminalSize(stdout));
  useEffect(() => {
    const onResize = (): void => {
      const next = readTerminalSize(stdout);
      setSize((previous) =>
        previous.columns === next.columns && previous.rows === next.rows ? previous : next,
      );
    };
    stdout.on('resize', onResize);
    // A resize between the first render and this effect would otherwise be missed.
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
