/** The shared state the client's flows (incoming, outbox, invite) work on; owned by QpcEngine. */
import { toHex } from '../../lib/bytes.js';
import type { Logger } from '../../lib/logger.js';
import type { UnopenedReport } from './sealedReports.js';
import type { HybridPrivateKey } from '../crypto/hybridKeys.js';
import { fingerprintOf } from '../identity/index.js';
import type { MlsIdentity } from '../mls/credentials.js';
import type { MlsEnv } from '../mls/groupSession.js';
import type { ServerConnection } from '../net/serverConnection.js';
import type { ClientProfileStore } from '../store/types.js';
import type { ChatMessage, EngineEvent } from './engineTypes.js';
import type { GroupRegistry } from './groupRegistry.js';
import type { CommitHooks } from './pendingCommits.js';

export interface LoadedIdentity {
  mls: MlsIdentity;
  hybrid: HybridPrivateKey;
  /** Replaced hybrid keys still in their grace period, newest first (keys/hybridKeyRotation.ts). */
  retiredHybrid: HybridPrivateKey[];
  username: string | null;
}

export interface ClientContext {
  store: ClientProfileStore;
  mls: MlsEnv;
  identity(): LoadedIdentity;
  groups: GroupRegistry;
  connection(): ServerConnection | undefined;
  emit(event: EngineEvent): void;
  /** Event names and codes only (docs/threat-model.md); absent in unit tests. */
  logger?: Logger;
  /** Emits groupsChanged and, for one group, membersChanged. */
  announceGroup(groupId: string | undefined): Promise<void>;
  /** A member reported a sealed envelope it could not open (sealedReports.ts); set by the engine. */
  unopenedReportReceived?(reporter: Uint8Array, report: UnopenedReport): void;
  /** Test seams of the commit flow (pendingCommits.ts); absent in normal use. */
  commitHooks?: CommitHooks;
  /** Settle the pending commits again after `afterMs` (a Welcome the server rate-limited). */
  retryPendingCommits?(afterMs: number): void;
}

/** Settings keys of the profile (settings table). */
export const SettingKey = {
  server: 'server',
  sessionToken: 'session.token',
  sessionExpiresAt: 'session.expires_at_ms',
  /** Highest queue message_id processed and persisted: FetchQueue resumes after it. */
  queueCursor: 'queue.cursor',
  /** Highest messages.seq that `qpc receive` has printed. */
  receiveCursor: 'receive.cursor',
} as const;

export function ownIdentityHex(context: ClientContext): string {
  return toHex(context.identity().mls.signingPublicKey);
}

export function chatMessageOf(
  record: { id: string; groupId: string; text: string; sentAt: number },
  sender: { username: string; identityKey: Uint8Array },
  outgoing: boolean,
  state: ChatMessage['state'],
): ChatMessage {
  return {
    id: record.id,
    groupId: record.groupId,
    sender: { username: sender.username, fingerprint: fingerprintOf(sender.identityKey).hex },
    text: record.text,
    sentAt: record.sentAt,
    state,
    decryptFailed: false,
    outgoing,
  };
}
