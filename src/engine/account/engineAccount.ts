/** The engine's account calls (register, login with re-registration, password change) behind one object. */
import type { EngineEvent } from '../client/engineTypes.js';
import { loginProfile, registerProfile, type AccountHost, type LoginOutcome } from '../client/accountFlow.js';
import { changeAccountPassword, type PasswordChange } from './passwordChange.js';

export type { LoginOutcome } from '../client/accountFlow.js';
export type { PasswordChange } from './passwordChange.js';

export class EngineAccount {
  constructor(
    private readonly host: AccountHost,
    private readonly emit: (event: EngineEvent) => void,
  ) {}

  register(usernameInput: string, password: string): Promise<void> {
    return registerProfile(this.host, usernameInput, password);
  }

  /** OPAQUE login; an account from before the server's OPAQUE setup re-registers in place first. */
  async login(usernameInput: string, password: string): Promise<LoginOutcome> {
    const outcome = await loginProfile(this.host, usernameInput, password);
    if (outcome.reRegistered) this.emit({ type: 'accountReRegistered' });
    return outcome;
  }

  /** A new account password (the old one is checked by a login); the account's other sessions end. */
  changePassword(oldPassword: string, newPassword: string): Promise<PasswordChange> {
    return changeAccountPassword(this.host, oldPassword, newPassword);
  }
}
