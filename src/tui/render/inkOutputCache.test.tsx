import { afterEach, describe, expect, it, vi } from 'vitest';

// Escape codes must be in the frames for the comparison to cover styling: force colour before Ink's
// chalk loads.
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '1';
});

import { Box, Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { installInkOutputCache } from './inkOutputCache.js';

afterEach(() => cleanup());

/** Colour, bold, inverse, emoji with a skin tone, CJK, combining marks, a border and clipping. */
function Sample({ line }: { readonly line: string }) {
  return (
    <Box flexDirection="column" width={40} borderStyle="round" borderColor="cyan">
      <Text color="green" bold>
        alice <Text color="gray">1a2b-3c4d</Text> {line}
      </Text>
      <Text inverse>👍🏽 漢字 e&#x301;&#x301; done</Text>
      <Box height={1} overflowY="hidden" flexDirection="column" justifyContent="flex-end">
        <Text wrap="truncate-end">first row that is pushed out</Text>
        <Text wrap="truncate-end" color="red">
          second row, longer than the pane is wide, cut at the border
        </Text>
      </Box>
    </Box>
  );
}

function frames(lines: readonly string[]): string[] {
  const app = render(<Sample line={lines[0] ?? ''} />);
  const out = [app.lastFrame() ?? ''];
  for (const line of lines.slice(1)) {
    app.rerender(<Sample line={line} />);
    out.push(app.lastFrame() ?? '');
  }
  app.unmount();
  return out;
}

describe('installInkOutputCache', () => {
  it('draws frames identical to Ink without the shared cache, frame after frame', async () => {
    const lines = ['hello', 'hello!', 'hello', 'a much longer line than before', 'hello'];
    const before = frames(lines);
    expect(before[0]).toContain('\x1b['); // colour is on: escape codes are part of what is compared
    expect(await installInkOutputCache()).toBe(true);
    expect(await installInkOutputCache()).toBe(true);
    const after = frames(lines);
    expect(after).toEqual(before);
  });
});
