import { DEFAULT_MAX_PENDING_LOGINS_PER_SOURCE } from '../auth/pendingLogins.js';
import { MAX_SESSIONS_PER_ACCOUNT } from '../auth/sessionStore.js';
import { DEFAULT_PEER_LIMITS } from '../transport/peerAdmission.js';
import {
  parseBoolean,
  parseDbKeyHex,
  parseDurationMs,
  parseHostPort,
  parseLogLevel,
  parseNonEmptyText,
  parsePercent,
  parsePositiveInteger,
  type HostPort,
  type LogLevel,
} from './parseConfigValues.js';

/** Everything qpc-server needs to start, after file, environment and flags were merged and validated. */
export interface ServerConfig {
  /** QUIC listen address. */
  listen: HostPort;
  /** Absolute path of the data directory (database, generated certificate, generated db key). */
  dataDir: string;
  /** Absolute path of the TOML file that was read, if any. */
  configFile: string | undefined;
  production: boolean;
  /** Absolute paths of a PEM or DER certificate and private key; both or neither. */
  certPath: string | undefined;
  keyPath: string | undefined;
  /** Server-to-server certificate and key (PEM or DER), both or neither; checked at startup for expiry. */
  federationCertPath: string | undefined;
  federationKeyPath: string | undefined;
  /** 64 lower-case hex digits, or undefined (development then generates one in the data dir). */
  dbKeyHex: string | undefined;
  /** Shared bearer token ("auth version 1"), or undefined when bearer auth is off. */
  authToken: string | undefined;
  /** Bearer token for the admin listener's POST /reload, or undefined when that endpoint is off. */
  adminToken: string | undefined;
  /** Admin HTTP listen address (/metrics, /healthz). */
  adminListen: HostPort;
  rateLimitPerIpPerSecond: number;
  rateLimitPerAccountPerSecond: number;
  messageMaxBytes: number;
  /** Maximum number of messages waiting in one recipient's queue. */
  queueCap: number;
  messageTtlMs: number;
  sessionTtlMs: number;
  /** Open QUIC connections per source IP. */
  connectionsPerIp: number;
  /** QUIC handshakes in progress per source IP. */
  handshakesPerIp: number;
  /** Request streams (and calls on call streams) served at once per source IP. */
  streamsPerIp: number;
  /** Concurrent bidirectional streams one connection may open. */
  streamsPerConnection: number;
  /** OPAQUE logins started and not finished per source IP. */
  pendingLoginsPerIp: number;
  /** Live sessions per account; a login past it ends the oldest one. */
  sessionsPerAccount: number;
  /** Percent of a recipient's queue that sealed-sender messages may fill. */
  sealedQueueSharePercent: number;
  logLevel: LogLevel;
}

/** Settings that come from a file, the environment or a flag (not `configFile`, resolved separately). */
export type ConfigurableKey = Exclude<keyof ServerConfig, 'configFile'>;

export interface SettingSpec {
  key: ConfigurableKey;
  toml: string;
  env: string;
  /** Long flag without dashes; undefined for secrets, which never go on a command line (visible in ps). */
  flag: string | undefined;
  /** True for `--production` style flags that take no value. */
  booleanFlag?: boolean;
  /** Relative paths are resolved against the config file's folder (TOML) or the working directory. */
  isPath?: boolean;
  parse: (raw: unknown, label: string) => unknown;
  description: string;
}

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'listen',
    toml: 'listen',
    env: 'QPC_LISTEN',
    flag: 'listen',
    parse: parseHostPort,
    description: 'QUIC listen address HOST:PORT',
  },
  {
    key: 'dataDir',
    toml: 'data_dir',
    env: 'QPC_DATA_DIR',
    flag: 'data-dir',
    isPath: true,
    parse: parseNonEmptyText,
    description: 'data directory',
  },
  {
    key: 'production',
    toml: 'production',
    env: 'QPC_PRODUCTION',
    flag: 'production',
    booleanFlag: true,
    parse: parseBoolean,
    description: 'production mode',
  },
  {
    key: 'certPath',
    toml: 'cert',
    env: 'QPC_CERT',
    flag: 'cert',
    isPath: true,
    parse: parseNonEmptyText,
    description: 'TLS certificate file',
  },
  {
    key: 'keyPath',
    toml: 'key',
    env: 'QPC_KEY',
    flag: 'key',
    isPath: true,
    parse: parseNonEmptyText,
    description: 'TLS private key file',
  },
  {
    key: 'federationCertPath',
    toml: 'federation_cert',
    env: 'QPC_FEDERATION_CERT',
    flag: 'federation-cert',
    isPath: true,
    parse: parseNonEmptyText,
    description: 'server-to-server certificate file',
  },
  {
    key: 'federationKeyPath',
    toml: 'federation_key',
    env: 'QPC_FEDERATION_KEY',
    flag: 'federation-key',
    isPath: true,
    parse: parseNonEmptyText,
    description: 'server-to-server private key file',
  },
  {
    key: 'dbKeyHex',
    toml: 'db_key',
    env: 'QPC_DB_KEY',
    flag: undefined,
    parse: parseDbKeyHex,
    description: 'database key, 64 hex digits',
  },
  {
    key: 'authToken',
    toml: 'auth_token',
    env: 'QPC_AUTH_TOKEN',
    flag: undefined,
    parse: parseNonEmptyText,
    description: 'shared bearer token',
  },
  {
    key: 'adminToken',
    toml: 'admin_token',
    env: 'QPC_ADMIN_TOKEN',
    flag: undefined,
    parse: parseNonEmptyText,
    description: 'bearer token for POST /reload on the admin listener',
  },
  {
    key: 'adminListen',
    toml: 'admin_listen',
    env: 'QPC_ADMIN_LISTEN',
    flag: 'admin-listen',
    parse: parseHostPort,
    description: 'admin HTTP address',
  },
  {
    key: 'rateLimitPerIpPerSecond',
    toml: 'rate_limit_per_ip',
    env: 'QPC_RATE_LIMIT_PER_IP',
    flag: 'rate-limit-per-ip',
    parse: parsePositiveInteger,
    description: 'requests per second per IP',
  },
  {
    key: 'rateLimitPerAccountPerSecond',
    toml: 'rate_limit_per_account',
    env: 'QPC_RATE_LIMIT_PER_ACCOUNT',
    flag: 'rate-limit-per-account',
    parse: parsePositiveInteger,
    description: 'requests per second per account',
  },
  {
    key: 'messageMaxBytes',
    toml: 'message_max_bytes',
    env: 'QPC_MESSAGE_MAX_BYTES',
    flag: 'message-max-bytes',
    parse: parsePositiveInteger,
    description: 'largest accepted message',
  },
  {
    key: 'queueCap',
    toml: 'queue_cap',
    env: 'QPC_QUEUE_CAP',
    flag: 'queue-cap',
    parse: parsePositiveInteger,
    description: 'messages per recipient queue',
  },
  {
    key: 'messageTtlMs',
    toml: 'message_ttl',
    env: 'QPC_MESSAGE_TTL',
    flag: 'message-ttl',
    parse: parseDurationMs,
    description: 'how long an undelivered message is kept',
  },
  {
    key: 'sessionTtlMs',
    toml: 'session_ttl',
    env: 'QPC_SESSION_TTL',
    flag: 'session-ttl',
    parse: parseDurationMs,
    description: 'lifetime of a login session',
  },
  {
    key: 'connectionsPerIp',
    toml: 'connections_per_ip',
    env: 'QPC_CONNECTIONS_PER_IP',
    flag: 'connections-per-ip',
    parse: parsePositiveInteger,
    description: 'open QUIC connections per IP',
  },
  {
    key: 'handshakesPerIp',
    toml: 'handshakes_per_ip',
    env: 'QPC_HANDSHAKES_PER_IP',
    flag: 'handshakes-per-ip',
    parse: parsePositiveInteger,
    description: 'QUIC handshakes in progress per IP',
  },
  {
    key: 'streamsPerIp',
    toml: 'streams_per_ip',
    env: 'QPC_STREAMS_PER_IP',
    flag: 'streams-per-ip',
    parse: parsePositiveInteger,
    description: 'requests served at once per IP',
  },
  {
    key: 'streamsPerConnection',
    toml: 'streams_per_connection',
    env: 'QPC_STREAMS_PER_CONNECTION',
    flag: 'streams-per-connection',
    parse: parsePositiveInteger,
    description: 'concurrent streams per connection',
  },
  {
    key: 'pendingLoginsPerIp',
    toml: 'pending_logins_per_ip',
    env: 'QPC_PENDING_LOGINS_PER_IP',
    flag: 'pending-logins-per-ip',
    parse: parsePositiveInteger,
    description: 'logins started and not finished per IP',
  },
  {
    key: 'sessionsPerAccount',
    toml: 'sessions_per_account',
    env: 'QPC_SESSIONS_PER_ACCOUNT',
    flag: 'sessions-per-account',
    parse: parsePositiveInteger,
    description: 'live sessions per account',
  },
  {
    key: 'sealedQueueSharePercent',
    toml: 'sealed_queue_share',
    env: 'QPC_SEALED_QUEUE_SHARE',
    flag: 'sealed-queue-share',
    parse: parsePercent,
    description: 'percent of a queue sealed messages may fill',
  },
  {
    key: 'logLevel',
    toml: 'log_level',
    env: 'QPC_LOG_LEVEL',
    flag: 'log-level',
    parse: parseLogLevel,
    description: 'log level',
  },
];

export const CONFIG_FILE_NAME = 'qpc-server.toml';

export const DEFAULT_CONFIG = {
  listen: { host: '127.0.0.1', port: 7443 },
  adminListen: { host: '127.0.0.1', port: 9464 },
  production: false,
  rateLimitPerIpPerSecond: 50,
  rateLimitPerAccountPerSecond: 20,
  messageMaxBytes: 1024 * 1024,
  queueCap: 10_000,
  messageTtlMs: 30 * 86_400_000,
  sessionTtlMs: 7 * 86_400_000,
  connectionsPerIp: DEFAULT_PEER_LIMITS.connectionsPerIp,
  handshakesPerIp: DEFAULT_PEER_LIMITS.handshakesPerIp,
  streamsPerIp: DEFAULT_PEER_LIMITS.streamsPerIp,
  streamsPerConnection: DEFAULT_PEER_LIMITS.streamsPerConnection,
  pendingLoginsPerIp: DEFAULT_MAX_PENDING_LOGINS_PER_SOURCE,
  sessionsPerAccount: MAX_SESSIONS_PER_ACCOUNT,
  sealedQueueSharePercent: 50,
  logLevel: 'info',
} as const satisfies Partial<ServerConfig>;

/** Shortest bearer token production mode accepts. */
export const MIN_PRODUCTION_AUTH_TOKEN_LENGTH = 16;

/** Shortest admin token accepted, in every mode: it reloads the server's certificates. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;
