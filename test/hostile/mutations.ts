/**
 * Mutated request frames for the hostile-input suite and the bench: valid requests of every shape,
 * then bit flips, truncations, duplicated or spliced bytes, lying length prefixes and plain noise.
 * Seeded, so a failure can be replayed from its seed.
 */
import { encodeCall, Method, type MethodId, type RequestBodyInit } from '../../src/protocol/index.js';

/** xorshift32: a small seeded generator (not for secrets). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

function call<M extends MethodId>(method: M, body: RequestBodyInit<M>, token?: Uint8Array): Uint8Array {
  return encodeCall(method, 7, body, token);
}

/** One valid request payload (unframed) per method shape, with a fake token where one is needed. */
export function seedPayloads(token: Uint8Array = new Uint8Array(32).fill(9)): Uint8Array[] {
  const key = new Uint8Array(32).fill(3);
  return [
    call(Method.Ping, {}),
    call(Method.RegisterStart, { username: 'someone', registrationRequest: 'A'.repeat(43) }),
    call(Method.LoginStart, { username: 'someone', startLoginRequest: 'A'.repeat(96) }),
    call(Method.LoginFinish, { loginId: new Uint8Array(16), finishLoginRequest: 'A'.repeat(86) }),
    call(Method.LookupUser, { query: { case: 'username', value: 'someone' } }, token),
    call(
      Method.Enqueue,
      {
        recipientIdentityKeys: [key],
        payload: new Uint8Array(64).fill(1),
        groupId: new Uint8Array(32).fill(2),
        epoch: 2n ** 62n,
        clientMessageId: new Uint8Array(16).fill(4),
      },
      token,
    ),
    call(Method.FetchQueue, { afterMessageId: 0n, limit: 0 }, token),
    call(Method.Ack, { messageIds: [1n, 2n, 2n ** 63n] }, token),
    call(Method.SealedSend, {
      recipientIdentityKey: key,
      accessToken: new Uint8Array(32),
      envelope: new Uint8Array(200),
    }),
  ];
}

/** A mutated copy of `payload` (unframed); sometimes pure noise. */
export function mutate(payload: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  const out = new Uint8Array(payload);
  switch (pick(7)) {
    case 0: {
      const flips = 1 + pick(8);
      for (let i = 0; i < flips && out.length > 0; i += 1) out[pick(out.length)]! ^= 1 << pick(8);
      return out;
    }
    case 1:
      return out.slice(0, pick(out.length + 1));
    case 2: {
      const at = pick(out.length + 1);
      const extra = new Uint8Array(1 + pick(16)).map(() => pick(256));
      return new Uint8Array([...out.slice(0, at), ...extra, ...out.slice(at)]);
    }
    case 3: {
      // A varint or length byte set to an extreme value.
      if (out.length > 0) out[pick(out.length)] = [0x00, 0x7f, 0x80, 0xff][pick(4)]!;
      return out;
    }
    case 4: {
      const start = pick(out.length + 1);
      return new Uint8Array([...out, ...out.slice(start, start + 1 + pick(32))]);
    }
    case 5:
      return new Uint8Array(pick(64)).map(() => pick(256));
    default: {
      for (let i = 0; i < out.length; i += 1) if (random() < 0.05) out[i] = pick(256);
      return out;
    }
  }
}

/** A 4-byte length prefix, honest most of the time, and sometimes a lie (too long, too short, huge). */
export function frameMutated(payload: Uint8Array, random: () => number): Uint8Array {
  const roll = random();
  let length = payload.length;
  if (roll < 0.05) length = payload.length + 1 + Math.floor(random() * 100);
  else if (roll < 0.1) length = Math.max(0, payload.length - 1 - Math.floor(random() * 10));
  else if (roll < 0.12) length = 0xffff_ffff;
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, length >>> 0);
  out.set(payload, 4);
  return out;
}
