/** Unit tests of the privacy wiring of the client on a real SQLCipher profile: trust holds, healing counts, controls. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../lib/bytes.js';
import { ManualClock } from '../../lib/clock.js';
import { fingerprintOf } from '../identity/index.js';
import { openProfileStore } from '../store/profileStore.js';
import type { ClientProfileStore } from '../store/types.js';
import type { ClientContext } from './clientContext.js';
import {
  acknowledgeContact,
  assertSendAllowed,
  observeContactKey,
  SEND_HELD_KEY_CHANGED,
  verificationOfKey,
  verifyContact,
} from './contactTrust.js';
import { decodeControl, decodeApplicationContent, encodeAccessKeyControl } from './payloads.js';
import { assertSealedFromMember, SEALED_SENDER_REJECTED } from './sealedChecks.js';
import { PrivacySettingKey, SelfUpdateScheduler } from './selfUpdateScheduler.js';

let dir: string;
let store: ClientProfileStore;
const oldKey = '11'.repeat(32);
const newKey = '22'.repeat(32);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-privacy-wiring-'));
  store = openProfileStore({ file: join(dir, 'profile.db'), key: new Uint8Array(randomBytes(32)) });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function codeOf(work: () => void): string {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
  return 'ok';
}

describe('contact trust in the profile', () => {
  it('holds a send to a group with a verified contact whose key changed, until acknowledged', () => {
    store.contacts.saveUsername(newKey, 'alice');
    verifyContact(store, 'alice', oldKey, 1);
    // Alice now appears in a group with another key.
    expect(codeOf(() => assertSendAllowed(store, [newKey], 2))).toBe(SEND_HELD_KEY_CHANGED);
    expect(verificationOfKey(store, newKey)).toBe('changed');
    acknowledgeContact(store, 'alice');
    expect(codeOf(() => assertSendAllowed(store, [newKey], 3))).toBe('ok');
    expect(verificationOfKey(store, newKey)).toBe('unverified');
  });

  it('lets an unverified contact change keys without holding anything', () => {
    store.contacts.saveUsername(newKey, 'bob');
    observeContactKey(store, 'bob', oldKey, 1);
    expect(codeOf(() => assertSendAllowed(store, [newKey], 2))).toBe('ok');
    expect(verificationOfKey(store, newKey)).toBe('unverified');
  });

  it('reports verified for the verified key', () => {
    store.contacts.saveUsername(oldKey, 'carol');
    verifyContact(store, 'carol', oldKey, 1);
    expect(verificationOfKey(store, oldKey)).toBe('verified');
    expect(fingerprintOf(fromHex(oldKey)).hex).toHaveLength(64);
  });
});

describe('self-update scheduling', () => {
  it('is due after the configured number of sent messages and resets on update', () => {
    const clock = new ManualClock(1_000);
    const context = {
      store,
      mls: { clock },
      groups: { summaries: () => [{ id: 'g1' }] },
    } as unknown as ClientContext;
    const scheduler = new SelfUpdateScheduler(context, () => Promise.resolve());
    store.settings.set(PrivacySettingKey.selfUpdateMaxMessages, '2');
    scheduler.messageSent('g1');
    expect(scheduler.dueGroups()).toEqual([]);
    scheduler.messageSent('g1');
    expect(scheduler.dueGroups()).toEqual(['g1']);
    scheduler.updated('g1');
    expect(scheduler.dueGroups()).toEqual([]);
    clock.advance(24 * 60 * 60 * 1000);
    expect(scheduler.dueGroups()).toEqual(['g1']);
  });
});

describe('access key control payload', () => {
  it('round-trips and is not chat text', () => {
    const key = new Uint8Array(randomBytes(32));
    const decoded = decodeControl(encodeAccessKeyControl(key));
    expect(decoded && toHex(decoded.key)).toBe(toHex(key));
    expect(() => decodeApplicationContent(encodeAccessKeyControl(key))).toThrow();
    expect(decodeControl(utf8('{"v":1,"id":"00","t":1,"text":"hi"}'))).toBeUndefined();
    expect(() => decodeControl(utf8('{"v":1,"ctl":"access","key":"zz"}'))).toThrow(/unknown shape/u);
  });
});

describe('sealed message checks', () => {
  it('accepts only a PrivateMessage of a group with members', () => {
    const member = [new Uint8Array(32)];
    expect(codeOf(() => assertSealedFromMember('mls_private_message', member, utf8('x')))).toBe('ok');
    expect(codeOf(() => assertSealedFromMember('mls_public_message', member, utf8('x')))).toBe(
      SEALED_SENDER_REJECTED,
    );
    expect(codeOf(() => assertSealedFromMember('mls_welcome', member, utf8('x')))).toBe(
      SEALED_SENDER_REJECTED,
    );
  });
});
