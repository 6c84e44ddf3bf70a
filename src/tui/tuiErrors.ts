/** Every error code the TUI raises itself (docs/architecture.md, "Errors"); the rest come from the engine. */
export const TuiErrorCode = {
  /** stdin or stdout is not a terminal (a pipe, a file): the TUI cannot run. */
  needsTerminal: 'TUI_NEEDS_TERMINAL',
} as const;
