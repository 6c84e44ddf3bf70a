/**
 * The rules for a secret a person chooses (the store passphrase, the account password), in one place so
 * the command line and the full-screen client accept and refuse the same things. Each returns a sentence
 * for the person, or undefined when the input is fine.
 */

/** Minimum length, in characters (code points), of a new passphrase or password. */
export const MIN_SECRET_CHARACTERS = 8;

export type SecretKind = 'passphrase' | 'password';

/** A new secret, typed twice (`again` undefined when it is not asked twice, such as from stdin). */
export function newSecretProblem(kind: SecretKind, secret: string, again?: string): string | undefined {
  if ([...secret].length < MIN_SECRET_CHARACTERS) {
    return `the ${kind} needs at least ${MIN_SECRET_CHARACTERS} characters`;
  }
  if (again !== undefined && again !== secret) return `the two ${kind}s differ`;
  return undefined;
}

/** An existing secret, to unlock or log in: anything but empty (the key derivation decides the rest). */
export function existingSecretProblem(kind: SecretKind, secret: string): string | undefined {
  return secret === '' ? `the ${kind} is empty` : undefined;
}
