import type { DescMessage } from '@bufbuild/protobuf';
import {
  LoginFinishRequestSchema,
  LoginFinishResponseSchema,
  LoginStartRequestSchema,
  LoginStartResponseSchema,
  LogoutRequestSchema,
  LogoutResponseSchema,
  OpenSessionRequestSchema,
  OpenSessionResponseSchema,
  RegisterFinishRequestSchema,
  RegisterFinishResponseSchema,
  RegisterStartRequestSchema,
  RegisterStartResponseSchema,
  ReRegisterFinishRequestSchema,
  ReRegisterFinishResponseSchema,
  ReRegisterStartRequestSchema,
  ReRegisterStartResponseSchema,
} from './gen/qpc/v1/auth_pb.js';
import {
  AckRequestSchema,
  AckResponseSchema,
  EnqueueRequestSchema,
  EnqueueResponseSchema,
  FetchQueueRequestSchema,
  FetchQueueResponseSchema,
} from './gen/qpc/v1/delivery_pb.js';
import {
  LookupUserRequestSchema,
  LookupUserResponseSchema,
  PublishKeysRequestSchema,
  PublishKeysResponseSchema,
} from './gen/qpc/v1/directory_pb.js';
import {
  CountKeyPackagesRequestSchema,
  CountKeyPackagesResponseSchema,
  FetchKeyPackageRequestSchema,
  FetchKeyPackageResponseSchema,
  UploadKeyPackagesRequestSchema,
  UploadKeyPackagesResponseSchema,
} from './gen/qpc/v1/key_packages_pb.js';
import { OpenCallStreamRequestSchema, OpenCallStreamResponseSchema } from './gen/qpc/v1/call_stream_pb.js';
import { PingRequestSchema, PingResponseSchema } from './gen/qpc/v1/ping_pb.js';
import {
  SealedSendRequestSchema,
  SealedSendResponseSchema,
  SetSealedAccessRequestSchema,
  SetSealedAccessResponseSchema,
} from './gen/qpc/v1/sealed_sender_pb.js';

/** Method ids, grouped by service in blocks of 100. Values never change once released. */
export const Method = {
  Ping: 1,
  // Many calls on one stream (docs/protocol.md, "Call streams")
  OpenCallStream: 2,
  // OPAQUE accounts and sessions
  RegisterStart: 100,
  RegisterFinish: 101,
  LoginStart: 102,
  LoginFinish: 103,
  Logout: 104,
  OpenSession: 105,
  ReRegisterStart: 106,
  ReRegisterFinish: 107,
  // directory
  PublishKeys: 200,
  LookupUser: 201,
  // MLS KeyPackages
  UploadKeyPackages: 300,
  FetchKeyPackage: 301,
  CountKeyPackages: 302,
  // delivery queues
  Enqueue: 400,
  FetchQueue: 401,
  Ack: 402,
  // sealed sender
  SealedSend: 500,
  SetSealedAccess: 501,
} as const;

export type MethodName = keyof typeof Method;
export type MethodId = (typeof Method)[MethodName];

/**
 * What a method needs in Request.auth_token: nothing, a session token from LoginFinish, or (SealedSend)
 * nothing in the envelope because the access token travels in the body. 'optional': the method works
 * without a session, and does more with a valid one (ReRegisterFinish); a token that is not valid is
 * refused like for a 'session' method, never ignored.
 */
export type MethodAuth = 'none' | 'session' | 'optional';

/** Request.auth_version of the shared bearer token; the only scheme so far. */
export const BEARER_AUTH_VERSION = 1;

/**
 * The admission methods: the only ones that accept the shared bearer token (Request.bearer_token), and
 * that require it when the server is private (QPC_AUTH_TOKEN set). A session, once opened, needs no more.
 */
export const BEARER_METHODS: ReadonlySet<MethodId> = new Set<MethodId>([
  Method.RegisterStart,
  Method.RegisterFinish,
  Method.LoginStart,
  Method.LoginFinish,
]);

export interface MethodSpec<Req extends DescMessage = DescMessage, Res extends DescMessage = DescMessage> {
  readonly name: MethodName;
  readonly request: Req;
  readonly response: Res;
  readonly auth: MethodAuth;
}

function spec<Req extends DescMessage, Res extends DescMessage>(
  name: MethodName,
  request: Req,
  response: Res,
  auth: MethodAuth,
): MethodSpec<Req, Res> {
  return { name, request, response, auth };
}

/** Method id -> request and response body schemas. The one registry both ends use. */
export const METHODS = {
  [Method.Ping]: spec('Ping', PingRequestSchema, PingResponseSchema, 'none'),
  [Method.OpenCallStream]: spec(
    'OpenCallStream',
    OpenCallStreamRequestSchema,
    OpenCallStreamResponseSchema,
    'none',
  ),
  [Method.RegisterStart]: spec(
    'RegisterStart',
    RegisterStartRequestSchema,
    RegisterStartResponseSchema,
    'none',
  ),
  [Method.RegisterFinish]: spec(
    'RegisterFinish',
    RegisterFinishRequestSchema,
    RegisterFinishResponseSchema,
    'none',
  ),
  [Method.LoginStart]: spec('LoginStart', LoginStartRequestSchema, LoginStartResponseSchema, 'none'),
  [Method.LoginFinish]: spec('LoginFinish', LoginFinishRequestSchema, LoginFinishResponseSchema, 'none'),
  [Method.Logout]: spec('Logout', LogoutRequestSchema, LogoutResponseSchema, 'session'),
  [Method.OpenSession]: spec('OpenSession', OpenSessionRequestSchema, OpenSessionResponseSchema, 'session'),
  [Method.ReRegisterStart]: spec(
    'ReRegisterStart',
    ReRegisterStartRequestSchema,
    ReRegisterStartResponseSchema,
    'none',
  ),
  [Method.ReRegisterFinish]: spec(
    'ReRegisterFinish',
    ReRegisterFinishRequestSchema,
    ReRegisterFinishResponseSchema,
    'optional',
  ),
  [Method.PublishKeys]: spec('PublishKeys', PublishKeysRequestSchema, PublishKeysResponseSchema, 'session'),
  [Method.LookupUser]: spec('LookupUser', LookupUserRequestSchema, LookupUserResponseSchema, 'session'),
  [Method.UploadKeyPackages]: spec(
    'UploadKeyPackages',
    UploadKeyPackagesRequestSchema,
    UploadKeyPackagesResponseSchema,
    'session',
  ),
  [Method.FetchKeyPackage]: spec(
    'FetchKeyPackage',
    FetchKeyPackageRequestSchema,
    FetchKeyPackageResponseSchema,
    'session',
  ),
  [Method.CountKeyPackages]: spec(
    'CountKeyPackages',
    CountKeyPackagesRequestSchema,
    CountKeyPackagesResponseSchema,
    'session',
  ),
  [Method.Enqueue]: spec('Enqueue', EnqueueRequestSchema, EnqueueResponseSchema, 'session'),
  [Method.FetchQueue]: spec('FetchQueue', FetchQueueRequestSchema, FetchQueueResponseSchema, 'session'),
  [Method.Ack]: spec('Ack', AckRequestSchema, AckResponseSchema, 'session'),
  [Method.SealedSend]: spec('SealedSend', SealedSendRequestSchema, SealedSendResponseSchema, 'none'),
  [Method.SetSealedAccess]: spec(
    'SetSealedAccess',
    SetSealedAccessRequestSchema,
    SetSealedAccessResponseSchema,
    'session',
  ),
} as const satisfies Record<MethodId, MethodSpec>;

export type MethodTable = typeof METHODS;

export function isMethodId(value: number): value is MethodId {
  return Object.hasOwn(METHODS, value);
}
