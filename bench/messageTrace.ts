/**
 * Turns trace hops (src/lib/trace.ts) from this process and from qpc-server's stderr (QPC_TRACE=1) into
 * a per-hop breakdown of one message: for each message window [sent, received], the first time each hop
 * was seen, as ms after the send. Messages go one at a time, so every hop in a window belongs to it.
 */
import { TRACE_HOPS, type TraceHop } from '../src/lib/trace.js';
import { median, percentile } from './report.js';

export interface HopSample {
  hop: TraceHop;
  at: number;
}

export interface MessageWindow {
  start: number;
  end: number;
}

/** Parses the server's `{"trace":hop,"at":ms}` stderr lines; other lines are ignored. */
export function parseTraceLines(text: string): HopSample[] {
  const samples: HopSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"trace"')) continue;
    const entry = JSON.parse(line) as { trace: TraceHop; at: number };
    samples.push({ hop: entry.trace, at: entry.at });
  }
  return samples;
}

/**
 * What each hop follows causally. A hop is matched to the first sample of it after its predecessor's
 * match, so a request of the previous message (B's Ack, say) is not taken for this one's.
 */
const AFTER: Record<TraceHop, TraceHop | undefined> = {
  'client.encrypted': undefined,
  'client.sealed': 'client.encrypted',
  'client.streamOpened': 'client.sealed',
  'client.frameWritten': 'client.streamOpened',
  'server.read': 'client.frameWritten',
  'server.durable': 'server.read',
  'server.answered': 'server.durable',
  'server.pushWritten': 'server.durable',
  'client.answered': 'server.answered',
  'client.pushRead': 'server.pushWritten',
  'client.unsealed': 'client.pushRead',
  'client.decrypted': 'client.unsealed',
  'client.stored': 'client.decrypted',
  'client.event': 'client.stored',
};

/** Median and p99 of each hop's offset from the send, over all windows where it was matched. */
export function hopBreakdown(
  samples: readonly HopSample[],
  windows: readonly MessageWindow[],
): { hop: TraceHop; p50: number; p99: number; seen: number }[] {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const offsets = new Map<TraceHop, number[]>();
  for (const window of windows) {
    const inWindow = sorted.filter((sample) => sample.at >= window.start && sample.at <= window.end);
    const matched = new Map<TraceHop, number>();
    for (const hop of TRACE_HOPS) {
      const before = AFTER[hop];
      // Without sealed sender there is no sealing: the stream follows the encryption.
      const since =
        before === undefined ? window.start : (matched.get(before) ?? matched.get(AFTER[before] ?? hop));
      if (since === undefined) continue;
      const found = inWindow.find((sample) => sample.hop === hop && sample.at >= since);
      if (found !== undefined) matched.set(hop, found.at);
    }
    for (const [hop, at] of matched) {
      const list = offsets.get(hop) ?? [];
      list.push(at - window.start);
      offsets.set(hop, list);
    }
  }
  return TRACE_HOPS.flatMap((hop) => {
    const list = offsets.get(hop);
    if (list === undefined) return [];
    list.sort((a, b) => a - b);
    return [{ hop, p50: median(list), p99: percentile(list, 99), seen: list.length }];
  });
}
