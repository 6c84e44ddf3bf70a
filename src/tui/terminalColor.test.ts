import { describe, expect, it } from 'vitest';
import { decideColor } from './terminalColor.js';

const tty = (depth: number) => ({
  isTTY: true as const,
  getColorDepth: (env?: NodeJS.ProcessEnv) => (env?.['CI'] !== undefined ? 1 : depth),
});

describe('decideColor', () => {
  it('ignores CI: a terminal in a CI-flavoured shell still gets colour and reverse video', () => {
    expect(decideColor({ CI: 'false' }, tty(8))).toEqual({ level: 2, noColor: false });
    expect(decideColor({ CI: 'true', CONTINUOUS_INTEGRATION: '1' }, tty(24))).toEqual({
      level: 3,
      noColor: false,
    });
  });

  it('NO_COLOR removes colour but keeps styling, so the cursor shows', () => {
    expect(decideColor({ NO_COLOR: '1' }, tty(24))).toEqual({ level: 3, noColor: true });
    expect(decideColor({ NO_COLOR: '' }, tty(24)).noColor).toBe(false);
  });

  it('FORCE_COLOR decides, also without a terminal; FORCE_COLOR=0 turns styling off', () => {
    expect(decideColor({ FORCE_COLOR: '2' }, { isTTY: false })).toEqual({ level: 2, noColor: false });
    expect(decideColor({ FORCE_COLOR: '' }, { isTTY: false }).level).toBe(1);
    expect(decideColor({ FORCE_COLOR: '0' }, tty(24))).toEqual({ level: 0, noColor: true });
  });

  it('draws no styles into a pipe', () => {
    expect(decideColor({}, { isTTY: false })).toEqual({ level: 0, noColor: true });
  });
});
