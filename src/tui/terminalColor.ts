/**
 * How much colour the full-screen client draws with, decided from the terminal and the two variables
 * users set on purpose: NO_COLOR (https://no-color.org) and FORCE_COLOR. `CI` is deliberately not
 * read: chalk (which Ink draws with) turns all styling off when CI is set to anything, `CI=false`
 * included, and a person at a terminal inside a CI-flavoured shell would get no cursor at all.
 *
 * NO_COLOR removes colour, not emphasis: bold and reverse video stay (the convention allows them),
 * so the cursor stays visible; the theme then uses no colours. Only FORCE_COLOR=0 turns styling off.
 */
import chalk from 'chalk';
import type { ColorSupportLevel } from 'chalk';

export interface ColorDecision {
  /** chalk's level: 0 none, 1 16 colours, 2 256, 3 truecolor. */
  readonly level: ColorSupportLevel;
  /** The theme draws without colours (text markers, bold and reverse video only). */
  readonly noColor: boolean;
}

type ColorStream = Pick<NodeJS.WriteStream, 'isTTY'> & {
  getColorDepth?: (env?: NodeJS.ProcessEnv) => number;
};

const ciVariables = ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID'];

function forcedLevel(value: string): ColorSupportLevel | undefined {
  if (value === '' || value === 'true') return 1;
  if (value === 'false' || value === '0') return 0;
  const level = Number(value);
  if (level === 1 || level === 2 || level === 3) return level;
  return undefined;
}

export function decideColor(env: NodeJS.ProcessEnv, stream: ColorStream): ColorDecision {
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    const level = forcedLevel(force);
    if (level !== undefined) return { level, noColor: noColor || level === 0 };
  }
  if (stream.isTTY !== true) return { level: 0, noColor: true };
  // The terminal's own answer (TERM, COLORTERM), asked without the CI variables.
  const withoutCi = { ...env };
  for (const name of ciVariables) delete withoutCi[name];
  const depth = stream.getColorDepth?.(withoutCi) ?? 4;
  const level: ColorSupportLevel = depth >= 24 ? 3 : depth >= 8 ? 2 : 1;
  return { level, noColor };
}

/** Sets chalk's level (Ink's styling) for this process; returns the decision for the theme. */
export function applyColorDecision(env: NodeJS.ProcessEnv, stream: ColorStream): ColorDecision {
  const decision = decideColor(env, stream);
  chalk.level = decision.level;
  return decision;
}
