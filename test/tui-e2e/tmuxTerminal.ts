/**
 * Real terminals for end-to-end tests: each `qpc` runs in its own tmux session on a private tmux
 * server (-L), is driven with send-keys and read with capture-pane. Waits poll the screen until the
 * expected content shows, with a deadline; nothing sleeps a fixed time.
 */
import { execFileSync } from 'node:child_process';

/** Fails loudly when tmux is missing: the test must not pass without running (CI installs tmux). */
export function requireTmux(): string {
  try {
    return execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(
      `tmux is required for the terminal end-to-end test and was not found (${(error as Error).message}); ` +
        'install it (apt-get install tmux) and run again',
    );
  }
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export class TmuxTerminal {
  private constructor(
    private readonly socket: string,
    readonly name: string,
  ) {}

  /** Starts `command` (argv) with `env` in a new detached session of the given size. */
  static start(
    socket: string,
    name: string,
    command: readonly string[],
    env: Readonly<Record<string, string>>,
    size = { columns: 100, rows: 30 },
  ): TmuxTerminal {
    const assignments = Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)}`);
    // After qpc ends the shell prints its exit code and stays, so the last screen can still be read.
    const script = `env ${assignments.join(' ')} ${command.map(shellQuote).join(' ')}; echo "qpc exited with $?"; sleep 3600`;
    execFileSync('tmux', [
      '-L',
      socket,
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      script,
    ]);
    return new TmuxTerminal(socket, name);
  }

  screen(): string {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', this.name], {
      encoding: 'utf8',
    });
  }

  /** The screen with its escape codes (colours, bold, reverse video), as capture-pane -e gives it. */
  screenWithEscapes(): string {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-e', '-t', this.name], {
      encoding: 'utf8',
    });
  }

  /**
   * Pastes `text` as the user's terminal would: through a tmux buffer, wrapped in bracketed-paste
   * markers when the program asked for them (paste-buffer -p).
   */
  paste(text: string): void {
    execFileSync('tmux', ['-L', this.socket, 'set-buffer', '-b', 'qpc-paste', text]);
    execFileSync('tmux', ['-L', this.socket, 'paste-buffer', '-p', '-d', '-b', 'qpc-paste', '-t', this.name]);
  }

  /** Literal text (no key names). */
  type(text: string): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, '-l', text]);
  }

  /** Key names: Enter, Escape, Tab, C-n ... */
  press(...keys: string[]): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, ...keys]);
  }

  /** Resizes the window, as a person dragging the terminal's edge or tmux splitting the window. */
  resize(columns: number, rows: number): void {
    execFileSync('tmux', [
      '-L',
      this.socket,
      'resize-window',
      '-t',
      this.name,
      '-x',
      String(columns),
      '-y',
      String(rows),
    ]);
  }

  async waitFor(
    predicate: (screen: string) => boolean,
    description: string,
    timeoutMs = 60_000,
  ): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (predicate(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(`${this.name}: timed out waiting for ${description}; screen:\n${screen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  waitForText(text: string, timeoutMs?: number): Promise<string> {
    return this.waitFor((screen) => screen.includes(text), JSON.stringify(text), timeoutMs);
  }
}

export function killTmuxServer(socket: string): void {
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}
