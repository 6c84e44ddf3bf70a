/**
 * Colours, from the `theme` setting. With NO_COLOR set
 * (https://no-color.org) or the `mono` theme every colour is undefined and the screen relies on text
 * markers (">", "[PQ]", "!!") and bold/inverse, which NO_COLOR allows.
 */
import { createContext, useContext } from 'react';

/** The `theme` setting (src/engine/settings/userSettings.ts). */
export type ThemeName = 'auto' | 'dark' | 'light' | 'high-contrast' | 'mono';
export const themeNames: readonly ThemeName[] = ['auto', 'dark', 'light', 'high-contrast', 'mono'];

export interface Theme {
  readonly noColor: boolean;
  readonly accent: string | undefined;
  readonly muted: string | undefined;
  readonly good: string | undefined;
  readonly warning: string | undefined;
  readonly danger: string | undefined;
  readonly focusBorder: string | undefined;
  readonly border: string | undefined;
}

type Colours = Omit<Theme, 'noColor'>;

const none: Colours = {
  accent: undefined,
  muted: undefined,
  good: undefined,
  warning: undefined,
  danger: undefined,
  focusBorder: undefined,
  border: undefined,
};

const palettes: Record<Exclude<ThemeName, 'mono' | 'auto'>, Colours> = {
  dark: {
    accent: 'cyan',
    muted: 'gray',
    good: 'green',
    warning: 'yellow',
    danger: 'red',
    focusBorder: 'cyan',
    border: 'gray',
  },
  // Yellow and cyan wash out on white; gray text stays readable there.
  light: {
    accent: 'blue',
    muted: 'gray',
    good: 'green',
    warning: 'magenta',
    danger: 'red',
    focusBorder: 'blue',
    border: 'gray',
  },
  // Bright colours only, and no gray: every line of text stands out from the background.
  'high-contrast': {
    accent: 'cyanBright',
    muted: 'white',
    good: 'greenBright',
    warning: 'yellowBright',
    danger: 'redBright',
    focusBorder: 'yellowBright',
    border: 'white',
  },
};

/**
 * `auto` is `light` when the terminal says its background is light (COLORFGBG, set by rxvt, Konsole,
 * iTerm2 and others, ends in 7 or 15 for a white background), else `dark`.
 */
export function resolveThemeName(name: ThemeName, env: NodeJS.ProcessEnv): Exclude<ThemeName, 'auto'> {
  if (name !== 'auto') return name;
  const background = env['COLORFGBG']?.split(';').at(-1);
  return background === '7' || background === '15' ? 'light' : 'dark';
}

export function createTheme(
  noColor: boolean,
  name: ThemeName = 'auto',
  env: NodeJS.ProcessEnv = process.env,
): Theme {
  const resolved = resolveThemeName(name, env);
  if (noColor || resolved === 'mono') return { noColor: true, ...none };
  return { noColor: false, ...palettes[resolved] };
}

/** NO_COLOR counts when present and not empty, as the convention says. */
export function noColorRequested(env: NodeJS.ProcessEnv): boolean {
  const value = env['NO_COLOR'];
  return value !== undefined && value !== '';
}

export const ThemeContext = createContext<Theme>(createTheme(false));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
