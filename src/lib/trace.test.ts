import { afterEach, describe, expect, it } from 'vitest';
import { jsonLineTraceSink, setTraceSink, traceHop, type TraceHop } from './trace.js';

describe('traceHop', () => {
  afterEach(() => setTraceSink(undefined));

  it('does nothing without a sink and reports each hop with a wall-clock time once one is set', () => {
    traceHop('client.encrypted'); // no sink: must not throw
    const seen: { hop: TraceHop; at: number }[] = [];
    setTraceSink((hop, at) => seen.push({ hop, at }));
    const before = Date.now();
    traceHop('server.read');
    traceHop('server.durable');
    expect(seen.map((entry) => entry.hop)).toEqual(['server.read', 'server.durable']);
    expect(seen[0]?.at).toBeGreaterThanOrEqual(before - 5);
    expect(seen[0]?.at).toBeLessThanOrEqual(Date.now() + 5);
    setTraceSink(undefined);
    traceHop('server.answered');
    expect(seen).toHaveLength(2);
  });

  it('writes one JSON line per hop, with no content beyond the hop, the time and the pid', () => {
    const lines: string[] = [];
    setTraceSink(jsonLineTraceSink((line) => lines.push(line), 42));
    traceHop('client.event');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(entry).sort()).toEqual(['at', 'pid', 'trace']);
    expect(entry.trace).toBe('client.event');
    expect(entry.pid).toBe(42);
  });
});
