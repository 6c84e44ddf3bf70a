/** Help: every key binding and slash command, generated from keyBindings.ts and slashCommands.ts. */
import { Text } from 'ink';
import { helpLines } from '../helpContent.js';
import { OverlayFrame } from './OverlayFrame.js';

export function HelpOverlay({ scroll, height }: { readonly scroll: number; readonly height: number }) {
  const lines = helpLines();
  const visibleRows = Math.max(1, height - 4);
  const shown = lines.slice(scroll, scroll + visibleRows);
  const more = scroll + visibleRows < lines.length ? ' · ↓ PgDn more' : '';
  return (
    <OverlayFrame title="Help" footer={`↑↓ j k PgUp PgDn scroll${more} · Esc close`} height={height}>
      {shown.map((line, index) => (
        <Text key={scroll + index} wrap="truncate-end" bold={!line.startsWith(' ') && line !== ''}>
          {line === '' ? ' ' : line}
        </Text>
      ))}
    </OverlayFrame>
  );
}
