import * as opaque from '@serenity-kit/opaque';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { UserDirectory } from '../directory/userDirectory.js';
import { systemRandomBytes } from '../serverDeps.js';
import { openServerDatabase, type ServerDatabase } from '../storage/openServerDatabase.js';
import { createOpaqueServerSetup, OpaqueAuthService, opaqueReady } from './opaqueAuthService.js';
import { SessionStore } from './sessionStore.js';

/** Cheaper argon2 settings so tests run fast; client and server logic are the real ones. */
export const TEST_KEY_STRETCHING = { 'argon2id-custom': { iterations: 1, memory: 1024, parallelism: 1 } };

export interface AuthHarness {
  db: ServerDatabase;
  clock: ManualClock;
  sleeps: number[];
  failures: string[];
  auth: OpaqueAuthService;
  sessions: SessionStore;
  directory: UserDirectory;
}

/** An OpaqueAuthService over an in-memory SQLCipher database, a manual clock and a recording sleep. */
export async function createAuthHarness(sessionTtlMs = 3_600_000): Promise<AuthHarness> {
  await opaqueReady;
  const db = openServerDatabase(':memory:', new Uint8Array(32).fill(3));
  const clock = new ManualClock(1_700_000_000_000);
  const sleeps: number[] = [];
  const failures: string[] = [];
  const directory = new UserDirectory(db);
  const sessions = new SessionStore(db, { clock, randomBytes: systemRandomBytes, sessionTtlMs });
  const auth = new OpaqueAuthService({
    directory,
    sessions,
    serverSetup: createOpaqueServerSetup(),
    clock,
    randomBytes: systemRandomBytes,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    logger: silentLogger(),
    onAuthFailure: (reason) => failures.push(reason),
  });
  return { db, clock, sleeps, failures, auth, sessions, directory };
}

/** Register with the real OPAQUE client. */
export async function registerUser(
  auth: OpaqueAuthService,
  username: string,
  password: string,
  identityKey: Uint8Array,
  hybridKey = new Uint8Array(1216).fill(9),
): Promise<number> {
  const start = opaque.client.startRegistration({ password });
  const { registrationResponse } = await auth.startRegistration({
    username,
    registrationRequest: start.registrationRequest,
  });
  const { registrationRecord } = opaque.client.finishRegistration({
    password,
    registrationResponse,
    clientRegistrationState: start.clientRegistrationState,
    keyStretching: TEST_KEY_STRETCHING,
  });
  const { userId } = await auth.finishRegistration({ username, registrationRecord, identityKey, hybridKey });
  return userId;
}

/** Login step 1 and the client's step 2; `finishLoginRequest` is undefined when the client saw a failure. */
export async function clientLogin(auth: OpaqueAuthService, username: string, password: string) {
  const start = opaque.client.startLogin({ password });
  const { loginId, loginResponse } = await auth.startLogin({
    username,
    startLoginRequest: start.startLoginRequest,
  });
  const finished = opaque.client.finishLogin({
    clientLoginState: start.clientLoginState,
    loginResponse,
    password,
    keyStretching: TEST_KEY_STRETCHING,
  });
  return { loginId, loginResponse, finishLoginRequest: finished?.finishLoginRequest };
}
