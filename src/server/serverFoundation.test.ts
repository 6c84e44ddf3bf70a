import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as opaque from '@serenity-kit/opaque';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { TEST_KEY_STRETCHING } from './auth/testSupport.js';
import { loadServerConfig } from './config/loadServerConfig.js';
import { createServerFoundation } from './serverFoundation.js';
import { systemRandomBytes } from './serverDeps.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-foundation-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const deps = () => ({
  clock: new ManualClock(Date.now()),
  randomBytes: systemRandomBytes,
  sleep: () => Promise.resolve(),
  logger: silentLogger(),
});

describe('createServerFoundation', () => {
  it('starts in development from nothing, and a restart keeps certificate, accounts and queues', async () => {
    const config = loadServerConfig({ argv: ['--data-dir', dir], env: {}, cwd: dir });
    const first = await createServerFoundation(config, deps());
    const password = 'pw';
    const start = opaque.client.startRegistration({ password });
    const { registrationResponse } = await first.auth.startRegistration({
      username: 'alice',
      registrationRequest: start.registrationRequest,
    });
    const { registrationRecord } = opaque.client.finishRegistration({
      password,
      registrationResponse,
      clientRegistrationState: start.clientRegistrationState,
      keyStretching: TEST_KEY_STRETCHING,
    });
    const identityKey = new Uint8Array(32).fill(1);
    await first.auth.finishRegistration({
      username: 'alice',
      registrationRecord,
      identityKey,
      hybridKey: new Uint8Array(8),
    });
    first.queues.enqueue(identityKey, new Uint8Array([42]));
    expect(await first.metrics.render()).toContain('qpc_messages_enqueued_total 1');
    const fingerprint = first.certificate.fingerprintSha256;
    first.close();

    const secondDeps = deps();
    const second = await createServerFoundation(config, secondDeps);
    expect(second.certificate.fingerprintSha256).toBe(fingerprint);
    expect(second.directory.lookup('alice')?.identityKey).toEqual(identityKey);
    expect(second.queues.fetch(identityKey).messages.map((m) => [...m.payload])).toEqual([[42]]);
    expect(await second.metrics.render()).toContain('qpc_queue_depth 1');

    // The OPAQUE setup survived the restart: the account can still log in.
    const login = opaque.client.startLogin({ password });
    const { loginId, loginResponse } = await second.auth.startLogin({
      username: 'alice',
      startLoginRequest: login.startLoginRequest,
    });
    const finished = opaque.client.finishLogin({
      clientLoginState: login.clientLoginState,
      loginResponse,
      password,
      keyStretching: TEST_KEY_STRETCHING,
    });
    expect(finished).toBeDefined();
    const session = await second.auth.finishLogin({
      loginId,
      finishLoginRequest: finished!.finishLoginRequest,
    });
    expect(second.sessions.authenticate(session.token)).toMatchObject({ userId: session.userId });
    // Past the 30-day message TTL and the 7-day session TTL, pruning removes the message and the session.
    secondDeps.clock.advance(31 * 86_400_000);
    expect(second.prune()).toEqual({ sessions: 1, messages: 1, keyPackages: 0, epochs: 0 });
    second.close();
  });
});
