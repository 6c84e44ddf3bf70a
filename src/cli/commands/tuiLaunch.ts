/**
 * The LaunchApi of the full-screen client over the real engine: opens the profile (raw key, keychain
 * or passphrase), starts or reuses the local qpc-server, registers or logs in, then hands the engine
 * to the main screen and keeps connecting in the background.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { wipe } from '../../lib/bytes.js';
import { AuthError, InternalError, isQpcError, StorageError } from '../../lib/errors.js';
import { createLogger, logFileDestination, silentLogger, type Logger } from '../../lib/logger.js';
import { PROFILE_DB_FILE_NAME, openProfile } from '../../engine/client/profile.js';
import { SettingKey } from '../../engine/client/clientContext.js';
import { PinMismatchError } from '../../engine/net/quicTransport.js';
import { formatServerAddress, parseServerAddress } from '../../engine/net/serverAddress.js';
import { QpcEngine, type EngineEvent } from '../../engine/qpcEngine.js';
import { bearerFromEnv } from './bearerFromEnv.js';
import { openProfileStore } from '../../engine/store/profileStore.js';
import { SALT_FILE_NAME } from '../../engine/store/passphraseKey.js';
import { resolveStoreKey } from '../../engine/store/storeKey.js';
import type { ClientProfileStore } from '../../engine/store/types.js';
import type { EngineApi } from '../../tui/engineApi.js';
import type { LaunchApi, LaunchNeed, ProgressReporter } from '../../tui/launch/launchApi.js';
import { ensureLocalServer, localServerAddress } from '../localServer.js';
import { keepLocalServer, localServerNewsEvent, type LocalServerKeeper } from '../localServerKeeper.js';
import { StoreErrorCode } from '../../engine/store/storageErrors.js';
import { CliErrorCode } from '../exitCodes.js';
import type { LockApi } from '../../tui/lock/lockApi.js';
import { createTuiLock } from './tuiLock.js';
import { exportBackupForTui, importBackupForTui } from './tuiBackup.js';
import { checkBackupOpens, importAfterRestore } from './tuiRestoreBackup.js';

export interface TuiLaunchOptions {
  readonly profileDir: string;
  /** --server HOST:PORT; otherwise the profile's saved server, otherwise the local one. */
  readonly server?: string | undefined;
  /**
   * The first run's suggested server when none is given or saved (the user's settings); asked only
   * then, so a normal launch does not read the settings file.
   */
  readonly defaultServer?: () => Promise<string | undefined>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The local server's port (default 7443); tests use another. */
  readonly localPort?: number;
}

const retryDelaysMs = [1_000, 2_000, 5_000, 10_000];

/** The full-screen client's log (warnings: background failures, by task and code) in the profile. */
export const TUI_LOG_FILE_NAME = 'qpc.log';

export class TuiLaunch implements LaunchApi {
  private store: ClientProfileStore | undefined;
  private engine: QpcEngine | undefined;
  private closed = false;
  private readonly localEvents = new Set<(event: EngineEvent) => void>();
  private keeper: LocalServerKeeper | undefined;
  private logger: Logger | undefined;
  /** Events of the launch (before the screen subscribed), handed to its first subscriber. */
  private readonly pendingEvents: EngineEvent[] = [];

  constructor(private readonly options: TuiLaunchOptions) {}

  private get localServer(): string {
    return this.options.localPort === undefined ? localServerAddress : `127.0.0.1:${this.options.localPort}`;
  }

  async start(progress: ProgressReporter): Promise<LaunchNeed> {
    const { profileDir, env } = this.options;
    const raw = env.QPC_STORE_KEY !== undefined && env.QPC_STORE_KEY !== '';
    const passphrase = env.QPC_PASSPHRASE !== undefined && env.QPC_PASSPHRASE !== '';
    if (raw || passphrase) {
      progress('Opening the profile');
      return this.opened(await openProfile({ dir: profileDir, create: true, env }));
    }
    if (existsSync(join(profileDir, SALT_FILE_NAME))) return { kind: 'passphrase', creating: false };
    progress('Opening the profile (OS keychain)');
    try {
      const resolved = await resolveStoreKey({ profileDir });
      return this.opened(this.openStore(resolved.key, resolved.source));
    } catch (error) {
      // A new profile on a machine with no keychain: the user chooses a passphrase.
      if (isQpcError(error) && error.code === StoreErrorCode.noKeySource)
        return { kind: 'passphrase', creating: true };
      throw error;
    }
  }

  async unlock(passphrase: string, progress: ProgressReporter): Promise<LaunchNeed> {
    progress('Stretching the passphrase (scrypt)');
    const resolved = await resolveStoreKey({
      profileDir: this.options.profileDir,
      passphrase: () => passphrase,
      keychain: null,
    });
    return this.opened(this.openStore(resolved.key, resolved.source));
  }

  async register(
    server: string,
    username: string,
    password: string,
    progress: ProgressReporter,
  ): Promise<readonly string[]> {
    const store = this.requireStore();
    const engine = await this.connectTo(server, progress);
    // The same words on a retry after a failure: they stay in the profile until confirmed.
    const words = QpcEngine.prepareRegistration(store);
    progress(`Registering ${username}: OPAQUE, stretching the password (argon2id), publishing keys`);
    await engine.register(username, password);
    if (words === undefined)
      throw new InternalError(CliErrorCode.recoveryWordsMissing, 'a new account has no recovery words');
    return words.split(' ');
  }

  confirmRecoveryWords(): Promise<void> {
    QpcEngine.confirmRecoveryWords(this.requireStore());
    return Promise.resolve();
  }

  async login(username: string, password: string, progress: ProgressReporter): Promise<void> {
    const engine = await this.connectTo(this.savedServer() ?? this.localServer, progress);
    progress(`Logging in as ${username}: stretching the password (argon2id)`);
    const outcome = await engine.login(username, password);
    // The screen subscribes after the login: it hears this first thing.
    if (outcome.reRegistered) this.pendingEvents.push({ type: 'accountReRegistered' });
  }

  async restore(
    server: string,
    words: string,
    username: string,
    password: string,
    progress: ProgressReporter,
    backupFile?: string,
  ): Promise<void> {
    const store = this.requireStore();
    if (backupFile !== undefined) {
      progress('Opening the backup file with the recovery words');
      checkBackupOpens(backupFile, words);
    }
    // An engine from an earlier attempt holds the identity it loaded: drop it before replacing it.
    if (this.engine !== undefined) {
      await this.engine.close();
      this.engine = undefined;
    }
    progress('Deriving the identity key from the recovery words');
    QpcEngine.restoreIdentity(store, words);
    const engine = await this.connectTo(server, progress);
    progress(`Logging in as ${username}: stretching the password (argon2id), publishing keys`);
    const outcome = await engine.login(username, password);
    if (outcome.reRegistered) this.pendingEvents.push({ type: 'accountReRegistered' });
    if (backupFile !== undefined) {
      progress('Importing contacts, trust and history from the backup');
      await importAfterRestore(engine, backupFile, words, this.logger, this.pendingEvents);
    }
  }

  open(): EngineApi {
    const engine = this.engine ?? this.createEngine(this.savedServer() ?? this.localServer);
    void this.keepConnecting(engine);
    this.keepLocalServerUp(engine);
    return engineForTui(engine, this.localEvents, this.pendingEvents);
  }

  /** Lock and unlock of the main screen (tuiLock.ts): the profile's store and engine go, then return. */
  lockApi(): LockApi {
    return createTuiLock({
      keySource: this.requireStore().keySource,
      current: () => ({ engine: this.engine, store: this.store }),
      forget: () => {
        this.engine = undefined;
        this.store = undefined;
      },
      reopenWithPassphrase: (passphrase, progress) => this.unlock(passphrase, progress),
      reopen: async () =>
        this.opened(
          await openProfile({ dir: this.options.profileDir, create: false, env: this.options.env }),
        ),
      login: (username, password, progress) => this.login(username, password, progress),
      open: () => this.open(),
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.keeper?.stop();
    // Quitting: nothing is left to tell the user on a failing close (the store still closes below).
    await this.engine?.close().catch(() => undefined);
    this.store?.close();
  }

  // ---- internals --------------------------------------------------------------------------------

  private openStore(key: Uint8Array, source: ClientProfileStore['keySource']): ClientProfileStore {
    try {
      return openProfileStore({
        file: join(this.options.profileDir, PROFILE_DB_FILE_NAME),
        key,
        keySource: source,
      });
    } finally {
      wipe(key);
    }
  }

  private async opened(store: ClientProfileStore): Promise<LaunchNeed> {
    this.store = store;
    const identity = store.identity.load();
    const username = identity?.username ?? null;
    if (identity !== undefined) wipe(identity.signingPrivateKey, identity.hybridPrivateKey);
    const server = this.savedServer();
    if (username === null) {
      const configured = server ?? (await this.options.defaultServer?.());
      return { kind: 'firstRun', defaultServer: configured ?? this.localServer };
    }
    // Registered, but the words screen was left before the check: nothing opens until it passes.
    const words = QpcEngine.unconfirmedRecoveryWords(store);
    if (words !== undefined) return { kind: 'recoveryWords', words: words.split(' ') };
    const token = store.settings.get(SettingKey.sessionToken);
    const expires = store.settings.get(SettingKey.sessionExpiresAt);
    const valid = token !== undefined && (expires === undefined || BigInt(expires) > BigInt(Date.now()));
    return valid ? { kind: 'ready' } : { kind: 'login', username, server: server ?? this.localServer };
  }

  private savedServer(): string | undefined {
    return this.options.server ?? this.store?.settings.get(SettingKey.server);
  }

  private requireStore(): ClientProfileStore {
    if (this.store === undefined)
      throw new StorageError(CliErrorCode.profileNotOpen, 'the profile is not open yet');
    return this.store;
  }

  private createEngine(serverText: string): QpcEngine {
    const server = parseServerAddress(serverText);
    // The terminal belongs to the screen: background failures go to a log file in the profile (and to
    // the status line, through the backgroundFailed event).
    const logger = (this.logger ??= createLogger(
      'qpc',
      this.options.env.QPC_LOG_LEVEL ?? 'warn',
      logFileDestination(join(this.options.profileDir, TUI_LOG_FILE_NAME)),
    ));
    this.engine = new QpcEngine({
      store: this.requireStore(),
      server,
      logger,
      connection: bearerFromEnv(),
    });
    return this.engine;
  }

  /** The local server is started on demand; any other address must already answer. */
  private async connectTo(serverText: string, progress: ProgressReporter): Promise<QpcEngine> {
    const server = formatServerAddress(parseServerAddress(serverText.trim()));
    if (server === this.localServer) {
      await ensureLocalServer({ env: this.options.env, progress, ...portOption(this.options.localPort) });
    }
    if (this.engine !== undefined && this.engine.serverText() !== server) {
      await this.engine.close();
      this.engine = undefined;
    }
    const engine = this.engine ?? this.createEngine(server);
    progress(`Connecting to ${server}`);
    await engine.connect({ session: false });
    return engine;
  }

  /** A local server that dies while this qpc uses it is started again (localServerKeeper.ts). */
  private keepLocalServerUp(engine: QpcEngine): void {
    const server = engine.serverText() ?? this.localServer;
    if (server !== this.localServer) return;
    this.keeper = keepLocalServer(engine, {
      env: this.options.env,
      ...portOption(this.options.localPort),
      logger: this.logger ?? silentLogger(),
      report: (news) => {
        for (const listener of this.localEvents) listener(localServerNewsEvent(news, server));
      },
    });
  }

  /** The main screen is up at once; the session opens when the server answers, retried until then. */
  private async keepConnecting(engine: QpcEngine): Promise<void> {
    // A locked engine is no longer the launcher's: its loop ends (unlocking starts a new one).
    for (let attempt = 0; !this.closed && this.engine === engine; attempt += 1) {
      try {
        const server = engine.serverText() ?? this.localServer;
        if (server === this.localServer) {
          await ensureLocalServer({ env: this.options.env, ...portOption(this.options.localPort) });
        }
        await engine.connect();
        return;
      } catch (error) {
        const reason = isQpcError(error)
          ? `${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}`
          : 'cannot connect';
        const connection = { status: 'offline' as const, server: engine.serverText() ?? '', reason };
        for (const listener of this.localEvents) listener({ type: 'connectionChanged', connection });
        // Retrying cannot fix a refused session or a changed server certificate: say it and stop.
        if (error instanceof AuthError || error instanceof PinMismatchError) return;
        const delay = retryDelaysMs[Math.min(attempt, retryDelaysMs.length - 1)] ?? 10_000;
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }
}

function portOption(port: number | undefined): { port?: number } {
  return port === undefined ? {} : { port };
}

/**
 * QpcEngine as the TUI's EngineApi (it satisfies the interface as it is: the annotation below stops
 * compiling if the two drift apart), plus connection news from the launcher's own retries.
 */
export function engineForTui(
  engine: QpcEngine,
  localEvents: Set<(event: EngineEvent) => void>,
  pendingEvents: EngineEvent[] = [],
): EngineApi {
  const contract: EngineApi = engine;
  return {
    snapshot: () => contract.snapshot(),
    subscribe(listener) {
      for (const event of pendingEvents.splice(0)) listener(event);
      localEvents.add(listener);
      const off = contract.subscribe(listener);
      return () => {
        localEvents.delete(listener);
        off();
      };
    },
    whoami: () => contract.whoami(),
    createGroup: (name) => contract.createGroup(name),
    invite: (groupId, username) => contract.invite(groupId, username),
    kick: (groupId, username) => contract.kick(groupId, username),
    leave: (groupId) => contract.leave(groupId),
    send: (groupId, text) => contract.send(groupId, text),
    selfUpdate: (groupId) => contract.selfUpdate(groupId),
    rotateHybridKey: () => contract.rotateHybridKey(),
    rotateAccessKey: () => contract.rotateAccessKey(),
    rotateIdentity: () => contract.rotateIdentity(),
    acceptInvite: (reference) => contract.acceptInvite(reference),
    declineInvite: (reference) => contract.declineInvite(reference),
    listInvites: () => contract.listInvites(),
    markVerified: (groupId, username) => contract.markVerified(groupId, username),
    outboxSize: () => contract.outboxSize(),
    loadMessages: (groupId, options) => contract.loadMessages(groupId, options),
    listMembers: (groupId) => contract.listMembers(groupId),
    markRead: (groupId) => contract.markRead(groupId),
    safetyNumber: (username) => contract.safetyNumber(username),
    acknowledgeKeyChange: (username) => contract.acknowledgeKeyChange(username),
    revealRecoveryWords: (password) => contract.revealRecoveryWords(password),
    changePassword: (oldPassword, newPassword) => contract.changePassword(oldPassword, newPassword),
    exportBackup: (file, options) => exportBackupForTui(engine, file, options ?? {}),
    importBackup: (file, words) => importBackupForTui(engine, file, words),
  };
}
