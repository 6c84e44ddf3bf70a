/**
 * Waits until an ink-testing-library frame satisfies a predicate, polling on a short timer. Tests
 * wait for the state they expect instead of sleeping a fixed time, which is slow and still flaky on a loaded machine.
 */
export interface FrameSource {
  lastFrame: () => string | undefined;
}

export const frameTimeoutMs = 5_000;

export async function waitForFrame(
  source: FrameSource,
  predicate: (frame: string) => boolean,
  description = 'the expected frame',
): Promise<string> {
  const deadline = Date.now() + frameTimeoutMs;
  for (;;) {
    const frame = source.lastFrame() ?? '';
    if (predicate(frame)) return frame;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${description}; last frame:\n${frame}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits for a frame containing `text`. */
export function waitForText(source: FrameSource, text: string): Promise<string> {
  return waitForFrame(source, (frame) => frame.includes(text), JSON.stringify(text));
}

/** Writes a key and waits until the frame changes, since Ink reads input asynchronously. */
export async function press(
  instance: FrameSource & { stdin: { write: (data: string) => void } },
  data: string,
  until: (frame: string) => boolean,
  description?: string,
): Promise<string> {
  instance.stdin.write(data);
  return waitForFrame(instance, until, description);
}

export const keys = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  tab: '\t',
  shiftTab: '\x1b[Z',
  enter: '\r',
  altEnter: '\x1b\r',
  escape: '\x1b',
  backspace: '\x7f',
  ctrlC: '\x03',
  ctrlN: '\x0e',
} as const;
