/**
 * Sealed sender, client side (docs/threat-model.md; docs/protocol.md SealedSend 500, SetSealedAccess 501).
 *
 * - Our access key: 32 random bytes, made once per profile; the server gets only SHA-256 of it.
 * - Members learn each other's access keys inside MLS (a control payload, payloads.ts), so only group
 *   members can send to us sealed. Learned keys are kept per identity key in the encrypted profile.
 * - A sealed send: the padded MLS message inside a hybrid envelope to the recipient's (signed)
 *   directory hybrid key, sent with SealedSend on a QUIC connection of its own that never logs in.
 *
 * Storage: our own key in the profile settings (`privacy.sealed.*`), learned keys in the
 * peer_access_keys table, inside the encrypted store. Rotation: keys/accessKeyRotation.ts.
 */
import { profileSigningKeys } from './signingKeyPins.js';
import type { SealedSending } from './outboxSender.js';
import { createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual, fromHex, toHex, utf8, wipe } from '../../lib/bytes.js';
import { CryptoError, NetworkError } from '../../lib/errors.js';
import { EngineErrorCode } from '../engineErrors.js';
import { Method, type DeliveryReceipt } from '../../protocol/index.js';
import { sealHybridEnvelope } from '../crypto/hybridEnvelope.js';
import { decodeHybridPublicKey, type HybridPublicKey } from '../crypto/hybridKeys.js';
import { ServerConnection, type ServerConnectionOptions } from '../net/serverConnection.js';
import { parseServerAddress } from '../net/serverAddress.js';
import { padToBucket } from '../privacy/padding.js';
import type { ClientContext } from './clientContext.js';
import { lookupUsername, usernameOf } from './directory.js';
import { encodeAccessKeyControl } from './payloads.js';
import { SESSION_LIVENESS } from './engineConnection.js';
import { ClientErrorCode } from './clientErrors.js';
import { traceHop } from '../../lib/trace.js';
import { envelopeHash, SealedSentLog, type UnopenedOutcome, type UnopenedReport } from './sealedReports.js';

/** Authenticated with every sealed envelope, so no other kind of envelope opens as one. */
export const SEALED_ENVELOPE_AAD = utf8('qpc/v1 sealed');

export const SealedSettingKey = {
  /** 'off' turns sealed sending off (`--no-sealed-sender`); anything else, or unset, means on. */
  enabled: 'privacy.sealed_sender',
  /** Our access key, hex. */
  accessKey: 'privacy.sealed.access_key',
  /** SHA-256 of the access key last registered with the server, hex. */
  registeredHash: 'privacy.sealed.registered_hash',
  /** When our access key was made (ms since the epoch), for the rotation schedule. */
  accessKeyCreatedAt: 'privacy.sealed.access_key_created_at',
} as const;

export function sealedSenderEnabled(context: ClientContext): boolean {
  return context.store.settings.get(SealedSettingKey.enabled) !== 'off';
}

export function setSealedSenderEnabled(context: ClientContext, enabled: boolean): void {
  context.store.settings.set(SealedSettingKey.enabled, enabled ? 'on' : 'off');
}

/** Our access key, created on first use (and kept). The caller wipes the copy it gets. */
export function ownAccessKey(context: ClientContext): Uint8Array {
  const known = context.store.settings.get(SealedSettingKey.accessKey);
  if (known !== undefined) return fromHex(known);
  return replaceOwnAccessKey(context);
}

/**
 * A fresh access key replaces ours (the old one stops working once the new hash is registered). Returns
 * a copy the caller wipes.
 */
export function replaceOwnAccessKey(context: ClientContext): Uint8Array {
  const key = new Uint8Array(randomBytes(32));
  context.store.transaction(() => {
    context.store.settings.set(SealedSettingKey.accessKey, toHex(key));
    context.store.settings.set(SealedSettingKey.accessKeyCreatedAt, String(context.mls.clock.now()));
  });
  return key;
}

/** Registers SHA-256(access key) with the server (session needed), unless that hash is registered already. */
export async function registerSealedAccess(context: ClientContext): Promise<void> {
  const connection = context.connection();
  if (connection === undefined || connection.state !== 'online') return;
  const key = ownAccessKey(context);
  const hash = new Uint8Array(createHash('sha256').update(key).digest());
  wipe(key);
  if (context.store.settings.get(SealedSettingKey.registeredHash) === toHex(hash)) return;
  await connection.request(Method.SetSealedAccess, { accessKeyHash: hash });
  context.store.settings.set(SealedSettingKey.registeredHash, toHex(hash));
}

export function rememberPeerAccessKey(
  context: ClientContext,
  identityKey: Uint8Array,
  key: Uint8Array,
): void {
  context.store.peerAccessKeys.save(toHex(identityKey), key, context.mls.clock.now());
}

export function peerAccessKey(context: ClientContext, identityKey: Uint8Array): Uint8Array | undefined {
  return context.store.peerAccessKeys.get(toHex(identityKey));
}

/**
 * Recipients rotate their hybrid key (keys/hybridKeyRotation.ts) and keep the old one only for a grace
 * period of days: an hour-old lookup is well inside it.
 */
const HYBRID_KEY_CACHE_MS = 60 * 60_000;

/**
 * Which access key a cached hybrid key was looked up with. A profile restored from the recovery words
 * has a new hybrid key (the old private half died with the lost device, so no grace period helps) and a
 * new access key: an envelope to the cached key would reach it unreadable (ENVELOPE_AUTH_FAILED) and be
 * lost. A new access key from a member therefore means a new directory lookup.
 */
function accessKeyTag(accessKey: Uint8Array): string {
  return createHash('sha256').update(accessKey).digest('hex');
}

/** Sends sealed messages on a connection of its own (no session token, ever). */
export class SealedSendChannel {
  private connection: ServerConnection | undefined;
  /** Recipients' directory hybrid keys, each looked up again after HYBRID_KEY_CACHE_MS. */
  private readonly hybridKeys = new Map<string, { key: HybridPublicKey; until: number; accessTag: string }>();
  /** Envelopes sent for chat messages, by hash, for reports that one could not be opened. */
  private readonly sentLog = new SealedSentLog();

  constructor(
    private readonly context: ClientContext,
    private readonly tuning: Partial<Omit<ServerConnectionOptions, 'address' | 'pins'>> | undefined,
  ) {}

  private async channel(): Promise<ServerConnection> {
    if (this.connection?.state === 'online') return this.connection;
    const main = this.context.connection();
    if (main === undefined)
      throw new NetworkError(EngineErrorCode.notConnected, 'no server for a sealed send');
    const store = this.context.store;
    const connection = new ServerConnection({
      // A killed server is noticed here as fast as on the session connection, so a sealed send in flight
      // fails within seconds (and the outbox retries it after the reconnect) instead of at its timeout.
      liveness: SESSION_LIVENESS,
      ...this.tuning,
      reconnect: false,
      address: parseServerAddress(main.server),
      // The same pin as the session connection: a sealed send goes to the same, pinned server.
      pins: {
        get: (name) => store.serverPins.get(name),
        set: (name, sha256) => store.serverPins.set(name, sha256, this.context.mls.clock.now()),
      },
      signingKeys: profileSigningKeys(store, this.context.mls.clock),
    });
    await connection.connect();
    this.connection = connection;
    return connection;
  }

  /** The recipient's hybrid key from the signed directory entry, checked to belong to that identity. */
  private async hybridKeyOf(identityKey: Uint8Array, accessKey: Uint8Array): Promise<HybridPublicKey> {
    const hex = toHex(identityKey);
    const now = this.context.mls.clock.now();
    const accessTag = accessKeyTag(accessKey);
    const cached = this.hybridKeys.get(hex);
    if (cached !== undefined && cached.until > now && cached.accessTag === accessTag) return cached.key;
    const main = this.context.connection();
    if (main === undefined)
      throw new NetworkError(EngineErrorCode.notConnected, 'no server for a directory lookup');
    const username = await usernameOf(identityKey, this.context.store, main);
    const entry = await lookupUsername(main, this.context.store, username);
    if (!constantTimeEqual(entry.identityPublicKey, identityKey)) {
      throw new CryptoError(
        ClientErrorCode.sealedWrongHybridKey,
        'the directory entry is for another identity',
      );
    }
    const key = decodeHybridPublicKey(entry.hybridPublicKey);
    this.hybridKeys.set(hex, { key, until: now + HYBRID_KEY_CACHE_MS, accessTag });
    return key;
  }

  /**
   * Seals one MLS message to one recipient whose access key we know; returns the server's proof, if any.
   * With `about` (a chat message), the envelope's hash is logged so a report that it could not be opened
   * finds it (sealedReports.ts).
   */
  async send(
    recipient: Uint8Array,
    accessKey: Uint8Array,
    mlsMessage: Uint8Array,
    about?: { messageId: string; groupId: string; resealed?: boolean },
  ): Promise<{ envelope: Uint8Array; receipt: DeliveryReceipt | undefined }> {
    const envelope = sealHybridEnvelope(
      await this.hybridKeyOf(recipient, accessKey),
      padToBucket(mlsMessage),
      SEALED_ENVELOPE_AAD,
    );
    traceHop('client.sealed');
    const connection = await this.channel();
    const { receipt } = await connection.request(Method.SealedSend, {
      recipientIdentityKey: recipient,
      accessToken: accessKey,
      envelope,
    });
    if (about !== undefined) {
      this.sentLog.remember(envelopeHash(envelope), {
        recipient: toHex(recipient),
        groupId: about.groupId,
        messageId: about.messageId,
        ciphertext: mlsMessage,
        resealed: about.resealed === true,
      });
    }
    return { envelope, receipt };
  }

  /**
   * A member says it could not open an envelope: when it was the recipient of one we logged, its cached
   * hybrid key goes and, the first time, the same MLS ciphertext is sealed again to its current
   * directory key. Undefined when the report matches nothing of ours (it went to every member).
   */
  async handleUnopenedReport(
    reporter: Uint8Array,
    report: UnopenedReport,
  ): Promise<UnopenedOutcome | undefined> {
    const entry = this.sentLog.take(report.hash, toHex(reporter));
    if (entry === undefined) return undefined;
    this.hybridKeys.delete(entry.recipient);
    const outcome = {
      groupId: entry.groupId,
      messageId: entry.messageId,
      recipient: reporter,
      code: report.code,
    };
    const accessKey = entry.resealed ? undefined : peerAccessKey(this.context, reporter);
    if (accessKey === undefined) return { ...outcome, resealed: false };
    try {
      await this.send(reporter, accessKey, entry.ciphertext, { ...outcome, resealed: true });
      return { ...outcome, resealed: true };
    } catch (error) {
      // The second envelope did not go out (offline, refused): the message is marked failed, and the
      // error reaches the caller's background report with the outcome.
      const failure = error instanceof Error ? error : new Error(String(error));
      return { ...outcome, resealed: false, failure };
    } finally {
      wipe(accessKey);
    }
  }

  /** The outbox's way to send sealed: while the setting is on, to members whose access key we hold. */
  outboxRoute(): SealedSending {
    return {
      enabled: () => sealedSenderEnabled(this.context),
      accessKeyOf: (identityKey) => peerAccessKey(this.context, identityKey),
      send: (recipient, accessKey, message, about) => this.send(recipient, accessKey, message, about),
    };
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
  }
}

/** Puts our access key for the group's members in the outbox (an MLS control message, never shown). */
export function queueAccessKeyShare(context: ClientContext, groupId: string): void {
  if (!sealedSenderEnabled(context) || !context.groups.has(groupId)) return;
  const key = ownAccessKey(context);
  const now = context.mls.clock.now();
  context.store.outbox.put({
    id: toHex(new Uint8Array(randomBytes(16))),
    groupId,
    payload: encodeAccessKeyControl(key),
    createdAt: now,
    attempts: 0,
  });
  wipe(key);
}
