/** RFC 9180 section 4: LabeledExtract and LabeledExpand, parameterised by the suite_id of the caller. */
import { concatBytes, utf8 } from '../../../lib/bytes.js';
import { hkdfExpand, hkdfExtract, type NodeHashName } from './nodePrimitives.js';

const HPKE_VERSION_LABEL = utf8('HPKE-v1');

export function labeledExtract(
  hash: NodeHashName,
  suiteId: Uint8Array,
  salt: Uint8Array,
  label: string,
  ikm: Uint8Array,
): Uint8Array {
  const labeledIkm = concatBytes(HPKE_VERSION_LABEL, suiteId, utf8(label), ikm);
  try {
    return hkdfExtract(hash, salt, labeledIkm);
  } finally {
    labeledIkm.fill(0);
  }
}

export function labeledExpand(
  hash: NodeHashName,
  suiteId: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const lengthPrefix = Uint8Array.from([(length >> 8) & 0xff, length & 0xff]);
  const labeledInfo = concatBytes(lengthPrefix, HPKE_VERSION_LABEL, suiteId, utf8(label), info);
  return hkdfExpand(hash, prk, labeledInfo, length);
}
