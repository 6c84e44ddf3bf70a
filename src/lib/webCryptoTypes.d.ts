// ts-mls types its HPKE keys as the DOM `CryptoKey`, which our ES2023 lib lacks; without this the type
// resolves to an error type and type-aware lint flags every use as unsafe. Node's WebCrypto key is the same shape.
import type { webcrypto } from 'node:crypto';

declare global {
  type CryptoKey = webcrypto.CryptoKey;
}
