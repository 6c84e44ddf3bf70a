/**
 * Unopenable sealed envelopes are reported back (docs/protocol.md, "Unopened envelope reports").
 *
 * A sealed envelope carries no sender, so a recipient that cannot open one (sealed to a stale or wrong
 * hybrid key, damaged) cannot tell its sender directly. It reports "I could not open envelope H (code)"
 * as an MLS control message in each group it is in: H is SHA-256 of the envelope as the server stored
 * and delivered it, which only the sender can match. The sender keeps the hash of each sealed envelope
 * it sent, with the MLS ciphertext inside, for a bounded while (SealedSentLog). A report from the very
 * recipient of a logged envelope drops the cached hybrid key of that recipient, re-seals the same MLS
 * ciphertext once to the recipient's current directory key (no new MLS generation), and leaves a
 * timeline entry on the message ('unopened'). Other members find no match and ignore the report.
 */
import { createHash } from 'node:crypto';
import { fromUtf8, toHex, utf8 } from '../../lib/bytes.js';
import type { MessageRecord } from '../store/types.js';
import { randomBytes } from 'node:crypto';
import type { ClientContext } from './clientContext.js';
import type { MembershipChange } from './membershipTimeline.js';
import { announceMembership } from './views.js';

/** How many sealed envelopes the sender remembers; the oldest goes first. */
export const MAX_LOGGED_SEALED = 512;

/** The reference both ends compute: SHA-256 of the envelope, hex. */
export function envelopeHash(envelope: Uint8Array): string {
  return createHash('sha256').update(envelope).digest('hex');
}

export interface UnopenedReport {
  hash: string;
  /** The recipient's error code (for instance ENVELOPE_AUTH_FAILED). */
  code: string;
}

export function encodeUnopenedReport(report: UnopenedReport): Uint8Array {
  return utf8(JSON.stringify({ v: 1, ctl: 'unopened', h: report.hash, code: report.code }));
}

/** The report, or undefined when the plaintext is anything else (chat text, another control payload). */
export function decodeUnopenedReport(bytes: Uint8Array): UnopenedReport | undefined {
  // Chat content and the other control payloads start differently; this avoids parsing every message twice.
  if (bytes.length > 200 || bytes[0] !== 0x7b) return undefined;
  let value: { v?: unknown; ctl?: unknown; h?: unknown; code?: unknown } | null;
  try {
    value = JSON.parse(fromUtf8(bytes)) as typeof value;
  } catch {
    // Not JSON: not a report (decodeControl and the chat decoder handle it).
    return undefined;
  }
  if (value === null || typeof value !== 'object' || value.ctl !== 'unopened' || value.v !== 1)
    return undefined;
  const { h: hash, code } = value;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/u.test(hash)) return undefined;
  if (typeof code !== 'string' || !/^[A-Z0-9_]{1,64}$/u.test(code)) return undefined;
  return { hash, code };
}

/** Is this outbox payload a control message (an access key, a report) rather than chat? */
export function isControlPayload(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x7b) return false;
  try {
    const value = JSON.parse(fromUtf8(bytes)) as { ctl?: unknown } | null;
    return value !== null && typeof value === 'object' && value.ctl !== undefined;
  } catch {
    // Not JSON: chat content in another encoding.
    return false;
  }
}

/** At most this many envelopes are reported per REPORT_WINDOW_MS: a flood of garbage is not amplified. */
export const REPORT_BUDGET = 10;
const REPORT_WINDOW_MS = 60_000;
const reportTimes = new WeakMap<ClientContext, number[]>();

function withinReportBudget(context: ClientContext, now: number): boolean {
  const recent = (reportTimes.get(context) ?? []).filter((time) => now - time < REPORT_WINDOW_MS);
  const allowed = recent.length < REPORT_BUDGET;
  if (allowed) recent.push(now);
  reportTimes.set(context, recent);
  return allowed;
}

/**
 * The recipient's side: one report per group we are in, through the outbox (MLS-encrypted, padded and
 * sealed like any message). Returns how many were queued.
 */
export function queueUnopenedReports(context: ClientContext, envelope: Uint8Array, code: string): number {
  const now = context.mls.clock.now();
  if (!withinReportBudget(context, now)) {
    // Anyone holding our access key can send envelopes we cannot open; each would make us write to every
    // group. Past the budget the drop is still shown (incomingDropped); only the report is left out.
    context.logger?.warn(
      { event: 'unopenedReportsPaused', code },
      'too many unopened envelopes: reports paused',
    );
    return 0;
  }
  const payload = encodeUnopenedReport({ hash: envelopeHash(envelope), code });
  const groups = context.store.groups.list();
  context.store.transaction(() => {
    for (const group of groups) {
      context.store.outbox.put({
        id: toHex(new Uint8Array(randomBytes(16))),
        groupId: group.groupId,
        payload,
        createdAt: now,
        attempts: 0,
      });
    }
  });
  for (const group of groups) group.state.fill(0);
  return groups.length;
}

export interface LoggedSealed {
  /** The recipient's identity key, hex. */
  recipient: string;
  groupId: string;
  messageId: string;
  /** The MLS ciphertext inside the envelope (never the plaintext). */
  ciphertext: Uint8Array;
  /** Already sealed a second time after a report: a second report is final. */
  resealed: boolean;
}

/** The sender's side: envelopes sent sealed, by hash, in memory only and bounded. */
export class SealedSentLog {
  private readonly entries = new Map<string, LoggedSealed>();

  remember(hash: string, entry: LoggedSealed): void {
    this.entries.set(hash, entry);
    while (this.entries.size > MAX_LOGGED_SEALED) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** The entry for `hash` if `reporter` (hex) is its recipient; it leaves the log. */
  take(hash: string, reporter: string): LoggedSealed | undefined {
    const entry = this.entries.get(hash);
    if (entry?.recipient !== reporter) return undefined;
    this.entries.delete(hash);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** What the sender did about one report. */
export interface UnopenedOutcome {
  groupId: string;
  messageId: string;
  recipient: Uint8Array;
  code: string;
  /** The same ciphertext went out again, sealed to the recipient's current key. */
  resealed: boolean;
  /** Why the re-seal did not go out, when it was tried and failed. */
  failure?: Error;
}

/** Records the outcome in the group's timeline (kind 'membership', event 'unopened') and announces it. */
export async function noteUnopened(context: ClientContext, outcome: UnopenedOutcome): Promise<void> {
  const recipient = toHex(outcome.recipient);
  const change: MembershipChange = {
    event: 'unopened',
    actor: recipient,
    subjects: [recipient],
    code: outcome.code,
    messageId: outcome.messageId,
    resealed: outcome.resealed,
  };
  const now = context.mls.clock.now();
  const record: MessageRecord = {
    id: `unopened:${outcome.messageId}:${recipient}:${outcome.resealed ? 1 : 0}`,
    groupId: outcome.groupId,
    sender: recipient,
    direction: 'in',
    text: JSON.stringify(change),
    epoch: 0n,
    sentAt: now,
    receivedAt: now,
    kind: 'membership',
  };
  const written = context.store.messages.append(record) ? [record] : [];
  context.emit({
    type: 'sealedUnopened',
    groupId: outcome.groupId,
    messageId: outcome.messageId,
    code: outcome.code,
    resealed: outcome.resealed,
  });
  if (!outcome.resealed) {
    context.emit({
      type: 'deliveryStateChanged',
      groupId: outcome.groupId,
      messageId: outcome.messageId,
      state: 'failed',
    });
  }
  await announceMembership(context, written);
}
