import { AuthError, ConflictError, ValidationError } from '../../lib/errors.js';

/** Stable codes of authentication outcomes (the wire carries them unchanged). */
export const AuthErrorCode = {
  /** Unknown user or wrong password: one code and one message for both, so names cannot be probed. */
  InvalidCredentials: 'AUTH_INVALID_CREDENTIALS',
  /** The login id is unknown, used already, or older than the login window. */
  LoginExpired: 'AUTH_LOGIN_EXPIRED',
  /** The session token is unknown, malformed or expired. */
  SessionInvalid: 'AUTH_SESSION_INVALID',
  /** The shared bearer token (auth version 1) is missing, wrong, or its version is unknown. */
  BearerInvalid: 'AUTH_BEARER_INVALID',
  /** The bearer token file a rotation wrote (<data>/auth-tokens.json) is unreadable or malformed. */
  TokenFileInvalid: 'AUTH_TOKEN_FILE_INVALID',
  UsernameTaken: 'AUTH_USERNAME_TAKEN',
  IdentityKeyTaken: 'AUTH_IDENTITY_KEY_TAKEN',
  BadUsername: 'AUTH_BAD_USERNAME',
  BadKey: 'AUTH_BAD_KEY',
  TooManyPendingLogins: 'AUTH_TOO_MANY_PENDING_LOGINS',
  /** One source IP holds its whole share of pending logins (answered RATE_LIMITED with a retry time). */
  TooManyPendingLoginsFromSource: 'AUTH_TOO_MANY_PENDING_LOGINS_FROM_SOURCE',
  /** An OPAQUE message that does not decode or is longer than any OPAQUE message. */
  BadOpaqueMessage: 'AUTH_BAD_OPAQUE_MESSAGE',
  /** The account's OPAQUE record predates the server's OPAQUE setup: it must re-register in place. */
  ReRegistrationRequired: 'AUTH_REREGISTRATION_REQUIRED',
  /**
   * ReRegisterFinish refused: no such account, a signature that the account's identity key did not
   * make, or neither a session of the account nor a record that needs re-registration.
   */
  ReRegistrationRefused: 'AUTH_REREGISTRATION_REFUSED',
  /** ReRegisterFinish with a challenge that is unknown, used already, expired, or issued for another name. */
  ChallengeExpired: 'AUTH_CHALLENGE_EXPIRED',
} as const;

export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

export function invalidCredentials(): AuthError {
  return new AuthError(AuthErrorCode.InvalidCredentials, 'wrong username or password', {
    hint: 'Check the username and password, or register first.',
  });
}

export function sessionInvalid(): AuthError {
  return new AuthError(AuthErrorCode.SessionInvalid, 'the session is not valid', { hint: 'Log in again.' });
}

export function usernameTaken(): ConflictError {
  return new ConflictError(AuthErrorCode.UsernameTaken, 'this username is taken', {
    hint: 'Choose another username.',
  });
}

export function badUsername(): ValidationError {
  return new ValidationError(
    AuthErrorCode.BadUsername,
    'a username has 3 to 32 characters: a-z, 0-9, dot, dash or underscore, starting with a letter or digit',
  );
}
