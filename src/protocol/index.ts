// The public face of src/protocol: the server and the engine import from here.
export * from './bodies.js';
export * from './codecErrors.js';
export * from './envelope.js';
export * from './errorCodes.js';
export * from './frame.js';
export * from './frameStream.js';
export * from './limits.js';
export * from './methods.js';
export * from './signedBytes.js';
export { checkFieldValues, checkWireLimits } from './wireLimits.js';
export * from './gen/qpc/v1/auth_pb.js';
export * from './gen/qpc/v1/delivery_pb.js';
export * from './gen/qpc/v1/directory_pb.js';
export * from './gen/qpc/v1/envelope_pb.js';
export * from './gen/qpc/v1/key_packages_pb.js';
export * from './gen/qpc/v1/ping_pb.js';
export * from './gen/qpc/v1/sealed_sender_pb.js';
export type { Error as WireError } from './gen/qpc/v1/envelope_pb.js';
