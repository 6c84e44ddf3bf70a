/** The types the engine's callers (CLI, TUI) import with QpcEngine, gathered so qpcEngine.ts stays small. */
export type * from './client/engineTypes.js';
export type { QpcEngineOptions, ConnectOptions } from './client/engineOptions.js';
export type { FlushResult } from './client/outboxSender.js';
export type { InboxItem } from './client/views.js';
export type { DeliveryProofReport } from './proofs/deliveryProofs.js';
export type { LogoutResult } from './client/logout.js';
export type { BackupSummary, ImportBackupResult } from './backup/profileBackup.js';
export type { KeySchedule } from './keys/keySettings.js';
export type { SafetyNumberView } from './client/verification.js';
export type { CommitHooks } from './client/pendingCommits.js';
export type { InvitePolicy } from './client/pendingInvites.js';
