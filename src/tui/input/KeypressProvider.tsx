/**
 * The root of key input: one parser for the whole program (launch screens and main screen alike),
 * fed every read of stdin, handing each key to the active handlers.
 *
 * Ink owns stdin (raw mode, the readable listener) and passes each read, cut at escape sequences, on
 * its input event emitter, the channel its own useInput listens to. Ink's useInput would then report
 * a burst such as "\x7f\x7f\x7f" or "hello\r" as one key, so this listens to that channel instead and
 * splits the text itself (see keyParser.ts).
 */
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useStdin } from 'ink';
import { createKeyParser } from './keyParser.js';
import type { KeyPress } from './keyParser.js';

export type KeypressHandler = (keys: readonly KeyPress[]) => void;

interface KeypressHub {
  subscribe(handler: KeypressHandler): () => void;
}

const KeypressContext = createContext<KeypressHub | undefined>(undefined);

function KeypressProvider({ children }: { readonly children: ReactNode }) {
  const { internal_eventEmitter: emitter, isRawModeSupported, setRawMode } = useStdin();
  const [hub] = useState(() => {
    const handlers = new Set<KeypressHandler>();
    const parser = createKeyParser();
    let flushTimer: NodeJS.Immediate | undefined;
    const deliver = (keys: readonly KeyPress[]): void => {
      if (keys.length === 0) return;
      for (const handler of handlers) handler(keys);
    };
    return {
      handlers,
      onInput(data: string): void {
        if (flushTimer !== undefined) clearImmediate(flushTimer);
        flushTimer = undefined;
        deliver(parser.feed(data));
        // An escape sequence cut at the end of the read: the rest comes at once or never (a lone Esc).
        if (parser.pending) {
          flushTimer = setImmediate(() => {
            flushTimer = undefined;
            deliver(parser.flush());
          });
        }
      },
      subscribe(handler: KeypressHandler): () => void {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
    };
  });

  useEffect(() => {
    if (isRawModeSupported) setRawMode(true);
    const onInput = (data: string): void => hub.onInput(data);
    emitter.on('input', onInput);
    return () => {
      emitter.off('input', onInput);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [emitter, hub, isRawModeSupported, setRawMode]);

  return <KeypressContext.Provider value={hub}>{children}</KeypressContext.Provider>;
}

/** Provides the key input unless a root above already does (LaunchRoot renders App inside it). */
export function KeypressRoot({ children }: { readonly children: ReactNode }) {
  const existing = useContext(KeypressContext);
  if (existing !== undefined) return <>{children}</>;
  return <KeypressProvider>{children}</KeypressProvider>;
}

/** Calls `handler` with the keys of every read while `isActive`; the latest handler is always used. */
export function useKeypress(handler: KeypressHandler, isActive = true): void {
  const hub = useContext(KeypressContext);
  if (hub === undefined) throw new Error('useKeypress needs a KeypressRoot above it');
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  }, [handler]);
  useEffect(() => {
    if (!isActive) return;
    return hub.subscribe((keys) => latest.current(keys));
  }, [hub, isActive]);
}
