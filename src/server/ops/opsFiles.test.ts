import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastRotations, recordRotation, ROTATION_LOG_FILE } from './rotationLog.js';
import { liveServer, readRunState, removeRunState, RUN_STATE_FILE, writeRunState } from './runState.js';
import { formatStatus, type StatusReport } from './serverStatus.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-ops-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('run state', () => {
  it('names the live server, is removed only by its own process, and is 0600', () => {
    expect(liveServer(dir)).toBeUndefined();
    const state = {
      pid: process.ppid,
      startedAt: 'now',
      version: '0.1.0',
      adminHost: '127.0.0.1',
      adminPort: 9464,
    };
    writeRunState(dir, state);
    expect(statSync(join(dir, RUN_STATE_FILE)).mode & 0o777).toBe(0o600);
    expect(liveServer(dir)).toEqual(state);
    removeRunState(dir, process.pid);
    expect(readRunState(dir)).toEqual(state);
    removeRunState(dir, process.ppid);
    expect(readRunState(dir)).toBeUndefined();
    // A command that finds its own pid in the file (pid 1 of a fresh container) is not the server.
    writeRunState(dir, { ...state, pid: process.pid });
    expect(liveServer(dir)).toBeUndefined();
  });
});

describe('rotation log', () => {
  it('keeps the last rotation of each material and skips a torn line', () => {
    expect(lastRotations(dir).size).toBe(0);
    recordRotation(dir, { material: 'tls-cert', at: 1000 });
    recordRotation(dir, { material: 'tls-cert', at: 3000, backup: 'backups/x' });
    recordRotation(dir, { material: 'db-key', at: 2000 });
    appendFileSync(join(dir, ROTATION_LOG_FILE), '{"material":"signing-key","at":');
    expect([...lastRotations(dir)]).toEqual([
      ['tls-cert', 3000],
      ['db-key', 2000],
    ]);
  });
});

describe('formatStatus', () => {
  it('prints every fact an operator asks for, expired certificates loudly', () => {
    const report: StatusReport = {
      version: '0.1.0',
      running: true,
      source: 'admin',
      startedAt: '2026-12-01T00:00:00.000Z',
      uptimeSeconds: 90_061,
      ready: true,
      sessions: { online: 2, active: 5 },
      queues: { messages: 12, recipients: 3, deepest: 7 },
      certificates: [{ role: 'tls', notAfter: '2026-11-30T00:00:00.000Z', daysLeft: -1, sha256: 'ab' }],
      rotations: [{ material: 'db-key', at: undefined }],
    };
    const text = formatStatus(report);
    expect(text).toContain('up 1d 1h');
    expect(text).toContain('2 online, 5 unexpired');
    expect(text).toContain('12 messages for 3 recipients (deepest 7)');
    expect(text).toContain('EXPIRED');
    expect(text).toMatch(/rotated db-key:\s+never/);
  });
});
