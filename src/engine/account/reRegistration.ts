/**
 * Replacing this account's OPAQUE record on the server (docs/protocol.md, ReRegisterStart/Finish): after
 * the operator replaced the server's OPAQUE setup (every older record stops working), and to change the
 * password. The identity key signs the server's one-time challenge and the new record, so the server
 * knows the account's owner made it; the username, groups and queued messages stay.
 */
import * as opaque from '@serenity-kit/opaque';
import { isQpcError } from '../../lib/errors.js';
import { Method, reRegistrationSignedBytes, WireErrorCode } from '../../protocol/index.js';
import type { ServerConnection } from '../net/serverConnection.js';
import { normalizeUsername, signWithIdentity } from './opaqueAccount.js';

/** LoginStart refused because the account's record predates the server's OPAQUE setup. */
export function needsReRegistration(error: unknown): boolean {
  return isQpcError(error) && error.code === WireErrorCode.ReRegistrationRequired;
}

/**
 * Makes a new OPAQUE record for `password` and has the server store it in place of the old one. The
 * connection's session token (if any) goes with the request: the server needs it for a password change,
 * and ends every other session of the account. Returns how many it ended.
 */
export async function reRegisterAccount(
  connection: ServerConnection,
  options: { username: string; password: string; identityPrivateKey: Uint8Array },
): Promise<{ sessionsEnded: number }> {
  await opaque.ready;
  const username = normalizeUsername(options.username);
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({
    password: options.password,
  });
  const started = await connection.request(Method.ReRegisterStart, { username, registrationRequest });
  const { registrationRecord } = opaque.client.finishRegistration({
    password: options.password,
    registrationResponse: started.registrationResponse,
    clientRegistrationState,
  });
  const identitySignature = signWithIdentity(
    options.identityPrivateKey,
    reRegistrationSignedBytes(username, started.challenge, registrationRecord),
  );
  const finished = await connection.request(Method.ReRegisterFinish, {
    username,
    registrationRecord,
    challenge: started.challenge,
    identitySignature,
  });
  return { sessionsEnded: finished.sessionsEnded };
}
