import type {
  GroupRecord,
  IdentityRecord,
  KeyPackageRecord,
  MessageRecord,
  ProfileStore,
  StoreKeySource,
} from './types.js';

/**
 * An in-memory ProfileStore for unit tests only (integration tests use the SQLCipher file): same contract as the
 * SQLCipher store, including copy-in/copy-out of byte arrays and all-or-nothing transactions.
 * `snapshot()` / `restore()` let a test hand the same "disk" to a fresh store, like reopening a file.
 */
type Tables = {
  identity: IdentityRecord | undefined;
  groups: Map<string, GroupRecord>;
  keyPackages: Map<string, KeyPackageRecord>;
  messages: Map<string, MessageRecord>;
};

const copyBytes = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);
const copyIdentity = (r: IdentityRecord): IdentityRecord => ({
  ...r,
  signingPrivateKey: copyBytes(r.signingPrivateKey),
  signingPublicKey: copyBytes(r.signingPublicKey),
  hybridPrivateKey: copyBytes(r.hybridPrivateKey),
  hybridPublicKey: copyBytes(r.hybridPublicKey),
});
const copyGroup = (r: GroupRecord): GroupRecord => ({ ...r, state: copyBytes(r.state) });
const copyKeyPackage = (r: KeyPackageRecord): KeyPackageRecord => ({
  ...r,
  publicPackage: copyBytes(r.publicPackage),
  privatePackage: copyBytes(r.privatePackage),
});

function cloneTables(t: Tables): Tables {
  return {
    identity: t.identity === undefined ? undefined : copyIdentity(t.identity),
    groups: new Map([...t.groups].map(([k, v]) => [k, copyGroup(v)])),
    keyPackages: new Map([...t.keyPackages].map(([k, v]) => [k, copyKeyPackage(v)])),
    messages: new Map([...t.messages].map(([k, v]) => [k, { ...v }])),
  };
}

export interface MemoryProfileStore extends ProfileStore {
  /** A deep copy of everything stored, to open again with createMemoryStore(snapshot). */
  snapshot(): MemoryStoreSnapshot;
}

export type MemoryStoreSnapshot = Readonly<Tables>;

export function createMemoryStore(from?: MemoryStoreSnapshot): MemoryProfileStore {
  let tables: Tables = from === undefined ? cloneTables(emptyTables()) : cloneTables(from);
  let closed = false;
  const open = (): Tables => {
    if (closed) throw new Error('memory store is closed');
    return tables;
  };
  const messageKey = (m: { groupId: string; id: string }): string => `${m.groupId}/${m.id}`;

  return {
    keySource: 'raw' satisfies StoreKeySource,
    identity: {
      load: () => {
        const identity = open().identity;
        return identity === undefined ? undefined : copyIdentity(identity);
      },
      save: (identity) => {
        open().identity = copyIdentity(identity);
      },
    },
    groups: {
      get: (groupId) => {
        const record = open().groups.get(groupId);
        return record === undefined ? undefined : copyGroup(record);
      },
      list: () => [...open().groups.values()].map(copyGroup),
      save: (group) => {
        open().groups.set(group.groupId, copyGroup(group));
      },
      delete: (groupId) => {
        open().groups.delete(groupId);
      },
    },
    keyPackages: {
      put: (record) => {
        open().keyPackages.set(record.ref, copyKeyPackage(record));
      },
      get: (ref) => {
        const record = open().keyPackages.get(ref);
        return record === undefined ? undefined : copyKeyPackage(record);
      },
      list: () => [...open().keyPackages.values()].map(copyKeyPackage),
      delete: (ref) => {
        open().keyPackages.delete(ref);
      },
      count: () => open().keyPackages.size,
    },
    messages: {
      append: (message) => {
        const key = messageKey(message);
        if (open().messages.has(key)) return false;
        open().messages.set(key, { ...message });
        return true;
      },
      list: (groupId, options) => {
        const before = options?.beforeReceivedAt ?? Number.POSITIVE_INFINITY;
        // Map order is insertion order, the memory twin of the seq column; the sort is stable.
        const inGroup = [...open().messages.values()]
          .filter((m) => m.groupId === groupId)
          .sort((a, b) => a.receivedAt - b.receivedAt);
        const cursor = options?.beforeId;
        const matching =
          cursor === undefined
            ? inGroup.filter((m) => m.receivedAt < before)
            : inGroup.slice(
                0,
                Math.max(
                  0,
                  inGroup.findIndex((m) => m.id === cursor),
                ),
              );
        const limit = options?.limit ?? matching.length;
        return matching.slice(Math.max(0, matching.length - limit)).map((m) => ({ ...m }));
      },
      listMembership: (groupId, options) => {
        const stored = [...open().messages.values()];
        const from = stored.findIndex((m) => m.id === options?.fromId);
        return stored
          .slice(Math.max(0, from))
          .filter((m) => m.groupId === groupId && m.kind === 'membership')
          .map((m) => ({ ...m }));
      },
      count: (groupId) =>
        groupId === undefined
          ? open().messages.size
          : [...open().messages.values()].filter((m) => m.groupId === groupId).length,
    },
    transaction<T>(fn: () => T): T {
      // Work on a copy; swap it in only if fn returns, so a throw leaves nothing behind.
      const before = tables;
      tables = cloneTables(before);
      try {
        const result = fn();
        return result;
      } catch (error) {
        tables = before;
        throw error;
      }
    },
    snapshot: () => cloneTables(open()),
    close: () => {
      closed = true;
    },
  };
}

function emptyTables(): Tables {
  return { identity: undefined, groups: new Map(), keyPackages: new Map(), messages: new Map() };
}
