import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../lib/bytes.js';
import { CryptoError } from '../../lib/errors.js';
import { systemClock } from '../../lib/clock.js';
import { sealHybridEnvelope } from '../crypto/hybridEnvelope.js';
import { decodeHybridPublicKey } from '../crypto/hybridKeys.js';
import {
  createProfileIdentity,
  HYBRID_KEY_UNPUBLISHED_SETTING,
  loadIdentity,
} from '../client/localIdentity.js';
import { openProfileStore } from '../store/profileStore.js';
import type { ClientProfileStore } from '../store/types.js';
import { hybridRotationDue, rotateHybridKey } from './hybridKeyRotation.js';
import { KeySettingKey } from './keySettings.js';
import { openWithOwnHybridKeys } from './retiredHybridKeys.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const AAD = utf8('test aad');
let dir: string;
let store: ClientProfileStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-hybrid-rotation-'));
  store = openProfileStore({ file: join(dir, 'p.db'), key: new Uint8Array(randomBytes(32)) });
  createProfileIdentity(store, systemClock);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const publicKey = () => store.identity.load()!.hybridPublicKey;

describe('hybrid key rotation', () => {
  it('swaps the key, retires the old one with its deadline and marks the new one unpublished', () => {
    const before = publicKey();
    const now = 1_800_000_000_000;
    rotateHybridKey(store, now);
    expect(publicKey()).not.toEqual(before);
    expect(store.settings.get(HYBRID_KEY_UNPUBLISHED_SETTING)).toBe('1');
    expect(store.settings.get(KeySettingKey.hybridCreatedAt)).toBe(String(now));
    const retired = store.retiredHybridKeys.list();
    expect(retired.map((record) => record.publicKey)).toEqual([before]);
    expect(retired[0]?.wipeAfter).toBe(now + 7 * DAY_MS);
  });

  it('opens an envelope sealed to the previous key within the grace period, and not after', () => {
    const old = decodeHybridPublicKey(publicKey());
    const late = sealHybridEnvelope(old, utf8('late welcome'), AAD);
    const now = Date.now();
    rotateHybridKey(store, now);
    const identity = loadIdentity(store, now + DAY_MS)!;
    expect(identity.retiredHybrid).toHaveLength(1);
    expect(openWithOwnHybridKeys(identity, late, AAD)).toEqual(utf8('late welcome'));
    // The current key still opens what is sealed to it.
    const fresh = sealHybridEnvelope(decodeHybridPublicKey(publicKey()), utf8('new'), AAD);
    expect(openWithOwnHybridKeys(identity, fresh, AAD)).toEqual(utf8('new'));

    const afterGrace = loadIdentity(store, now + 7 * DAY_MS)!;
    expect(afterGrace.retiredHybrid).toHaveLength(0);
    expect(store.retiredHybridKeys.list()).toEqual([]);
    expect(() => openWithOwnHybridKeys(afterGrace, late, AAD)).toThrow(CryptoError);
  });

  it('keeps nothing when the grace period is 0, and is due by its schedule', () => {
    store.settings.set(KeySettingKey.hybridGraceMs, '0');
    rotateHybridKey(store, 1_000);
    expect(store.retiredHybridKeys.list()).toEqual([]);
    expect(hybridRotationDue(store, 1_000 + 29 * DAY_MS)).toBe(false);
    expect(hybridRotationDue(store, 1_000 + 30 * DAY_MS)).toBe(true);
    store.settings.set(KeySettingKey.hybridMaxAgeMs, '0');
    expect(hybridRotationDue(store, 1_000 + 365 * DAY_MS)).toBe(false);
  });
});
