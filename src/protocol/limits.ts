import { DEFAULT_MAX_FRAME_BYTES } from './frame.js';

/** Protocol version of this schema (Request.protocol_version). */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [PROTOCOL_VERSION];
/** ALPN identifier negotiated in the TLS 1.3 handshake. */
export const ALPN = 'qpc/1';

export const IDENTITY_PUBLIC_KEY_BYTES = 32;
/** X25519 public key (32) then ML-KEM-768 encapsulation key (1184). */
export const HYBRID_PUBLIC_KEY_BYTES = 32 + 1184;
export const SIGNATURE_BYTES = 64;
export const SESSION_TOKEN_BYTES = 32;
export const LOGIN_ID_BYTES = 16;
/** ReRegisterStartResponse.challenge, signed back in ReRegisterFinish. */
export const REREGISTRATION_CHALLENGE_BYTES = 32;
export const CLIENT_MESSAGE_ID_BYTES = 16;

/** Usernames: 3-32 of [a-z0-9_.-], starting with a letter or digit; the same rule at both ends. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{2,31}$/;
export const MAX_USERNAME_BYTES = 32;
/** @serenity-kit/opaque messages are base64url strings of a few hundred characters at most. */
export const MAX_OPAQUE_MESSAGE_BYTES = 2048;
export const MAX_KEY_PACKAGE_BYTES = 16 * 1024;
export const MAX_KEY_PACKAGES_PER_UPLOAD = 100;
/** The message cap; a frame has 64 KiB of headroom above it for the envelope. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
export const MAX_RECIPIENTS = 1000;
export const MAX_GROUP_ID_BYTES = 256;
export const MAX_FETCH_LIMIT = 500;
export const DEFAULT_FETCH_LIMIT = 100;
export const MAX_ACK_IDS = 1000;
export const MAX_ERROR_CODE_BYTES = 64;
export const MAX_ERROR_MESSAGE_BYTES = 1024;
export const MAX_AUTH_TOKEN_BYTES = 64;
/** Signing keys a server publishes in Ping (current and retired), and the size of a key id. */
export const MAX_SIGNING_KEYS = 64;
/** Certificate change announcements a Ping carries (the newest ones). */
export const MAX_CERTIFICATE_ANNOUNCEMENTS = 16;
export const SIGNING_KEY_ID_BYTES = 8;
/** The shared bearer token (QPC_AUTH_TOKEN) as UTF-8. */
export const MAX_BEARER_TOKEN_BYTES = 256;
export const MAX_ACCESS_TOKEN_BYTES = 256;
/** A sealed-sender access key (SealedSend.access_token) and its SHA-256 (SetSealedAccess) are 32 bytes. */
export const SEALED_ACCESS_KEY_BYTES = 32;
export const SEALED_ACCESS_KEY_HASH_BYTES = 32;
/** What the hybrid envelope adds around a padded message: ver(1) | eph_pk(32) | mlkem_ct(1088) | nonce(12) | tag(16). */
export const SEALED_ENVELOPE_OVERHEAD_BYTES = 1 + 32 + 1088 + 12 + 16;
/** A sealed envelope is the hybrid header (1 + 32 + 1088 + 12) plus a payload and its 16-byte tag. */
export const MAX_SEALED_ENVELOPE_BYTES = MAX_PAYLOAD_BYTES + SEALED_ENVELOPE_OVERHEAD_BYTES;
export const MAX_PUSH_MESSAGES = MAX_FETCH_LIMIT;
export const MAX_SUPPORTED_VERSIONS = 16;

/**
 * Rule for one field. `maxBytes`/`exactBytes` apply to each value of a bytes or string field (UTF-8
 * length for strings), `maxItems` to the entries of a repeated field; `required` means the field must be
 * present and non-empty; `pattern` tests a string; `maxValue` bounds an integer.
 */
export interface FieldLimit {
  readonly maxBytes?: number;
  readonly exactBytes?: number;
  readonly maxItems?: number;
  readonly required?: boolean;
  readonly pattern?: RegExp;
  /** Largest value of an integer field. */
  readonly maxValue?: number;
}

const username: FieldLimit = { maxBytes: MAX_USERNAME_BYTES, required: true, pattern: USERNAME_PATTERN };
const opaqueMessage: FieldLimit = { maxBytes: MAX_OPAQUE_MESSAGE_BYTES, required: true };
const identityKey: FieldLimit = { exactBytes: IDENTITY_PUBLIC_KEY_BYTES, required: true };
const hybridKey: FieldLimit = { exactBytes: HYBRID_PUBLIC_KEY_BYTES, required: true };
const signature: FieldLimit = { exactBytes: SIGNATURE_BYTES, required: true };
const groupId: FieldLimit = { maxBytes: MAX_GROUP_ID_BYTES };
const errorCode: FieldLimit = { maxBytes: MAX_ERROR_CODE_BYTES, required: true };
const errorMessage: FieldLimit = { maxBytes: MAX_ERROR_MESSAGE_BYTES };

/**
 * Every bytes, string and repeated field of the schema, by message type name and proto field name.
 * A test checks that none is missing, so a new field cannot arrive without a documented limit.
 */
export const FIELD_LIMITS: Readonly<Record<string, Readonly<Record<string, FieldLimit>>>> = {
  'qpc.v1.Request': {
    body: { maxBytes: DEFAULT_MAX_FRAME_BYTES },
    auth_token: { maxBytes: MAX_AUTH_TOKEN_BYTES },
    bearer_token: { maxBytes: MAX_BEARER_TOKEN_BYTES },
  },
  'qpc.v1.Response': { ok: { maxBytes: DEFAULT_MAX_FRAME_BYTES } },
  'qpc.v1.Error': { code: errorCode, message: errorMessage },
  'qpc.v1.MessagesPush': { messages: { maxItems: MAX_PUSH_MESSAGES } },
  'qpc.v1.SessionEnded': { code: errorCode, message: errorMessage },
  'qpc.v1.PingResponse': {
    supported_versions: { maxItems: MAX_SUPPORTED_VERSIONS },
    signing_keys: { maxItems: MAX_SIGNING_KEYS },
    certificate_announcements: { maxItems: MAX_CERTIFICATE_ANNOUNCEMENTS },
  },
  'qpc.v1.CertificateAnnouncement': {
    old_cert_sha256: { exactBytes: 32, required: true },
    new_cert_sha256: { exactBytes: 32, required: true },
    key_id: { exactBytes: SIGNING_KEY_ID_BYTES, required: true },
    signature,
  },
  'qpc.v1.SigningKey': { key_id: { exactBytes: SIGNING_KEY_ID_BYTES }, public_key: identityKey },
  'qpc.v1.RegisterStartRequest': { username, registration_request: opaqueMessage },
  'qpc.v1.RegisterStartResponse': { registration_response: opaqueMessage },
  'qpc.v1.RegisterFinishRequest': {
    username,
    registration_record: opaqueMessage,
    identity_public_key: identityKey,
    hybrid_public_key: hybridKey,
    identity_signature: signature,
  },
  'qpc.v1.ReRegisterStartRequest': { username, registration_request: opaqueMessage },
  'qpc.v1.ReRegisterStartResponse': {
    registration_response: opaqueMessage,
    challenge: { exactBytes: REREGISTRATION_CHALLENGE_BYTES, required: true },
  },
  'qpc.v1.ReRegisterFinishRequest': {
    username,
    registration_record: opaqueMessage,
    challenge: { exactBytes: REREGISTRATION_CHALLENGE_BYTES, required: true },
    identity_signature: signature,
  },
  'qpc.v1.LoginStartRequest': { username, start_login_request: opaqueMessage },
  'qpc.v1.LoginStartResponse': {
    login_id: { exactBytes: LOGIN_ID_BYTES, required: true },
    login_response: opaqueMessage,
  },
  'qpc.v1.LoginFinishRequest': {
    login_id: { exactBytes: LOGIN_ID_BYTES, required: true },
    finish_login_request: opaqueMessage,
  },
  'qpc.v1.LoginFinishResponse': { session_token: { exactBytes: SESSION_TOKEN_BYTES, required: true } },
  'qpc.v1.PublishKeysRequest': { hybrid_public_key: hybridKey, identity_signature: signature },
  'qpc.v1.IdentityRotation': {
    new_identity_key: identityKey,
    previous_signature: signature,
    new_signature: signature,
  },
  'qpc.v1.LookupUserRequest': {
    username: { maxBytes: MAX_USERNAME_BYTES, pattern: USERNAME_PATTERN },
    identity_public_key: { exactBytes: IDENTITY_PUBLIC_KEY_BYTES },
  },
  'qpc.v1.LookupUserResponse': {
    username,
    identity_public_key: identityKey,
    hybrid_public_key: hybridKey,
    hybrid_key_signature: signature,
  },
  'qpc.v1.KeyPackageUpload': { key_package: { maxBytes: MAX_KEY_PACKAGE_BYTES, required: true } },
  'qpc.v1.UploadKeyPackagesRequest': {
    key_packages: { maxItems: MAX_KEY_PACKAGES_PER_UPLOAD, required: true },
  },
  'qpc.v1.FetchKeyPackageRequest': { username },
  'qpc.v1.FetchKeyPackageResponse': {
    key_package: { maxBytes: MAX_KEY_PACKAGE_BYTES, required: true },
    identity_public_key: identityKey,
  },
  'qpc.v1.EnqueueRequest': {
    recipient_identity_keys: {
      maxItems: MAX_RECIPIENTS,
      exactBytes: IDENTITY_PUBLIC_KEY_BYTES,
      required: true,
    },
    payload: { maxBytes: MAX_PAYLOAD_BYTES, required: true },
    group_id: groupId,
    client_message_id: { exactBytes: CLIENT_MESSAGE_ID_BYTES },
  },
  'qpc.v1.EnqueueResponse': { receipts: { maxItems: MAX_RECIPIENTS } },
  'qpc.v1.DeliveryReceipt': {
    server_name: { maxBytes: 253 },
    key_id: { exactBytes: SIGNING_KEY_ID_BYTES, required: true },
    recipient_queue_hash: { exactBytes: 32, required: true },
    envelope_sha256: { exactBytes: 32, required: true },
    signature,
  },
  'qpc.v1.QueuedMessage': {
    payload: { maxBytes: MAX_SEALED_ENVELOPE_BYTES, required: true },
    sender_identity_key: { exactBytes: IDENTITY_PUBLIC_KEY_BYTES },
    group_id: groupId,
  },
  'qpc.v1.FetchQueueRequest': { limit: { maxValue: MAX_FETCH_LIMIT } },
  'qpc.v1.FetchQueueResponse': { messages: { maxItems: MAX_FETCH_LIMIT } },
  'qpc.v1.AckRequest': { message_ids: { maxItems: MAX_ACK_IDS, required: true } },
  'qpc.v1.SealedSendRequest': {
    recipient_identity_key: identityKey,
    access_token: { exactBytes: SEALED_ACCESS_KEY_BYTES, required: true },
    envelope: { maxBytes: MAX_SEALED_ENVELOPE_BYTES, required: true },
  },
  // Empty is allowed and turns sealed delivery to the caller off.
  'qpc.v1.SetSealedAccessRequest': { access_key_hash: { exactBytes: SEALED_ACCESS_KEY_HASH_BYTES } },
};
