import type { ServerConnectionOptions } from '../../engine/net/serverConnection.js';

/**
 * The connection option a private server needs: its shared bearer token from QPC_AUTH_TOKEN (the same
 * variable the server reads), sent with registration and login only. Empty or unset: no token.
 */
export function bearerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Pick<ServerConnectionOptions, 'bearerToken'> {
  const token = env.QPC_AUTH_TOKEN;
  return token === undefined || token === '' ? {} : { bearerToken: token };
}
