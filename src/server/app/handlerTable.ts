import { Method } from '../../protocol/index.js';
import type { HandlerTable } from './callContext.js';
import * as accounts from './handlers/accountHandlers.js';
import * as reRegister from './handlers/reRegisterHandlers.js';
import * as delivery from './handlers/deliveryHandlers.js';
import * as directory from './handlers/directoryHandlers.js';
import * as keyPackages from './handlers/keyPackageHandlers.js';
import { openCallStream, ping } from './handlers/pingHandlers.js';
import { sealedSend, setSealedAccess } from './handlers/sealedSendHandlers.js';

/** Method id -> handler; `satisfies` makes a new method in METHODS fail to compile until it is wired here. */
export const HANDLERS = {
  [Method.Ping]: ping,
  [Method.OpenCallStream]: openCallStream,
  [Method.RegisterStart]: accounts.registerStart,
  [Method.RegisterFinish]: accounts.registerFinish,
  [Method.LoginStart]: accounts.loginStart,
  [Method.LoginFinish]: accounts.loginFinish,
  [Method.Logout]: accounts.logout,
  [Method.OpenSession]: accounts.openSession,
  [Method.ReRegisterStart]: reRegister.reRegisterStart,
  [Method.ReRegisterFinish]: reRegister.reRegisterFinish,
  [Method.PublishKeys]: directory.publishKeys,
  [Method.LookupUser]: directory.lookupUser,
  [Method.UploadKeyPackages]: keyPackages.uploadKeyPackages,
  [Method.FetchKeyPackage]: keyPackages.fetchKeyPackage,
  [Method.CountKeyPackages]: keyPackages.countKeyPackages,
  [Method.Enqueue]: delivery.enqueue,
  [Method.FetchQueue]: delivery.fetchQueue,
  [Method.Ack]: delivery.ack,
  [Method.SealedSend]: sealedSend,
  [Method.SetSealedAccess]: setSealedAccess,
} satisfies HandlerTable;
