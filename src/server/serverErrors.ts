/**
 * Codes of server parts without a list of their own (config, transport, key packages). Feature lists
 * live beside their feature (auth/authErrors.ts, delivery/deliveryErrors.ts...); errorRegistry.ts
 * gathers them all (docs/architecture.md, "Errors").
 */
export const ServerErrorCode = {
  /** A configuration value (file, environment, command line) that breaks its rule. */
  configInvalid: 'CONFIG_INVALID',
  /** A setting that production mode refuses (see docs/server.md). */
  configProduction: 'CONFIG_PRODUCTION',
  /** A request stream that broke before a frame could be read (logged, never sent). */
  streamError: 'STREAM_ERROR',
  /** A KeyPackage upload of no entries or more than the batch limit. */
  keyPackageBatchSize: 'KEY_PACKAGE_BATCH_SIZE',
} as const;
