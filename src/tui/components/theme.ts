/**
 * Colours, or none: with NO_COLOR set (https://no-color.org) every colour is undefined and the screen
 * relies on text markers (">", "[PQ]", "!!") and bold/inverse, which NO_COLOR allows.
 */
import { createContext, useContext } from 'react';

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

export function createTheme(noColor: boolean): Theme {
  if (noColor) {
    return {
      noColor,
      accent: undefined,
      muted: undefined,
      good: undefined,
      warning: undefined,
      danger: undefined,
      focusBorder: undefined,
      border: undefined,
    };
  }
  return {
    noColor,
    accent: 'cyan',
    muted: 'gray',
    good: 'green',
    warning: 'yellow',
    danger: 'red',
    focusBorder: 'cyan',
    border: 'gray',
  };
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
