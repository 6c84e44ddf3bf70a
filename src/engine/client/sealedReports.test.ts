import { describe, expect, it } from 'vitest';
import { utf8 } from '../../lib/bytes.js';
import { encodeAccessKeyControl, encodeApplicationContent } from './payloads.js';
import {
  decodeUnopenedReport,
  encodeUnopenedReport,
  envelopeHash,
  isControlPayload,
  MAX_LOGGED_SEALED,
  queueUnopenedReports,
  REPORT_BUDGET,
  SealedSentLog,
} from './sealedReports.js';
import type { ClientContext } from './clientContext.js';

const entry = (recipient: string, messageId: string) => ({
  recipient,
  groupId: 'g',
  messageId,
  ciphertext: Uint8Array.of(1, 2, 3),
  resealed: false,
});

describe('unopened envelope reports', () => {
  it('round-trips a report and refuses every other payload', () => {
    const hash = envelopeHash(Uint8Array.of(9, 9, 9));
    expect(hash).toMatch(/^[0-9a-f]{64}$/u);
    const report = { hash, code: 'ENVELOPE_AUTH_FAILED' };
    expect(decodeUnopenedReport(encodeUnopenedReport(report))).toEqual(report);
    expect(decodeUnopenedReport(encodeAccessKeyControl(new Uint8Array(32)))).toBeUndefined();
    const chat = encodeApplicationContent({ id: 'a'.repeat(32), sentAt: 1, text: 'hi' });
    expect(decodeUnopenedReport(chat)).toBeUndefined();
    expect(decodeUnopenedReport(utf8('{"v":1,"ctl":"unopened","h":"zz","code":"X"}'))).toBeUndefined();
    expect(
      decodeUnopenedReport(utf8(`{"v":1,"ctl":"unopened","h":"${hash}","code":"bad code"}`)),
    ).toBeUndefined();
  });

  it('tells control payloads from chat', () => {
    expect(isControlPayload(encodeUnopenedReport({ hash: 'a'.repeat(64), code: 'X' }))).toBe(true);
    expect(isControlPayload(encodeAccessKeyControl(new Uint8Array(32)))).toBe(true);
    expect(isControlPayload(encodeApplicationContent({ id: 'a'.repeat(32), sentAt: 1, text: 'hi' }))).toBe(
      false,
    );
    expect(isControlPayload(utf8('plain text'))).toBe(false);
  });

  it('the log answers only the envelope recipient, once, and keeps the newest entries', () => {
    const log = new SealedSentLog();
    log.remember('h1', entry('bob', 'm1'));
    expect(log.take('h1', 'carol')).toBeUndefined();
    expect(log.take('h1', 'bob')?.messageId).toBe('m1');
    expect(log.take('h1', 'bob')).toBeUndefined();
    for (let index = 0; index <= MAX_LOGGED_SEALED; index += 1)
      log.remember(`x${index}`, entry('bob', `m${index}`));
    expect(log.size).toBe(MAX_LOGGED_SEALED);
    expect(log.take('x0', 'bob')).toBeUndefined();
    expect(log.take(`x${MAX_LOGGED_SEALED}`, 'bob')?.messageId).toBe(`m${MAX_LOGGED_SEALED}`);
  });

  it('reports at most REPORT_BUDGET envelopes a minute, so garbage envelopes are not amplified', () => {
    let now = 0;
    const queued: string[] = [];
    const warnings: string[] = [];
    const groups = () => [
      { groupId: 'g1', state: new Uint8Array(4) },
      { groupId: 'g2', state: new Uint8Array(4) },
    ];
    const context = {
      mls: { clock: { now: () => now } },
      store: {
        groups: { list: groups },
        transaction: (run: () => void) => run(),
        outbox: { put: (entry: { groupId: string }) => queued.push(entry.groupId) },
      },
      logger: { warn: (fields: { event: string }) => warnings.push(fields.event), debug: () => undefined },
    } as unknown as ClientContext;
    const counts: number[] = [];
    for (let index = 0; index <= REPORT_BUDGET; index += 1) {
      counts.push(queueUnopenedReports(context, Uint8Array.of(index), 'ENVELOPE_AUTH_FAILED'));
    }
    expect(counts).toEqual([...Array<number>(REPORT_BUDGET).fill(2), 0]);
    expect(queued).toHaveLength(REPORT_BUDGET * 2);
    expect(warnings).toEqual(['unopenedReportsPaused']);
    now += 60_000;
    expect(queueUnopenedReports(context, Uint8Array.of(99), 'ENVELOPE_AUTH_FAILED')).toBe(2);
  });
});
