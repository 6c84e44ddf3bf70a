import { describe, expect, it } from 'vitest';
import { PeerAdmission, type AdmissionRefusal } from './peerAdmission.js';

const LIMITS = { connectionsPerIp: 4, handshakesPerIp: 2, streamsPerIp: 3, streamsPerConnection: 2 };

describe('PeerAdmission shut-out', () => {
  it('drops the handshakes and streams of a shut-out address until its penalty ends', () => {
    let now = 1_000;
    const refused: AdmissionRefusal[] = [];
    const admission = new PeerAdmission(LIMITS, { now: () => now, onRefused: (kind) => refused.push(kind) });
    expect(admission.admitHandshake('a')).toBe(true);
    admission.connectionOpened('a');
    expect(admission.admitStream('a')).toBe(true);
    admission.shutOut('a', 500);
    expect(admission.isShutOut('a')).toBe(true);
    expect(admission.admitHandshake('a')).toBe(false);
    expect(admission.admitStream('a')).toBe(false);
    expect(admission.admitHandshake('b')).toBe(true); // others are untouched
    expect(refused).toEqual(['shut_out', 'shut_out']);
    now += 500;
    expect(admission.isShutOut('a')).toBe(false);
    expect(admission.admitHandshake('a')).toBe(true);
  });
});
