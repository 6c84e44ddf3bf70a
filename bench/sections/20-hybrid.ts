/**
 * Hybrid envelope (X25519 + ML-KEM-768 + HKDF + ChaCha20-Poly1305) throughput, with its parts measured
 * alone in the same run: raw ML-KEM-768 encapsulate/decapsulate, the node:crypto X25519 exchange the
 * envelope uses and noble's pure-JS X25519 it avoids (about 30 times slower).
 */
import { diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { openHybridEnvelope, sealHybridEnvelope } from '../../src/engine/crypto/hybridEnvelope.js';
import { generateHybridKeyPair } from '../../src/engine/crypto/hybridKeys.js';
import { figure, heading, opsPerSecond, type BenchSection } from '../report.js';

const RUN = { minMs: 700, minIterations: 20 };

export const section: BenchSection = {
  name: 'hybrid',
  async run() {
    heading('Hybrid envelope (1 KiB payload)');
    const recipient = generateHybridKeyPair();
    const payload = new Uint8Array(randomBytes(1024));
    const envelope = sealHybridEnvelope(recipient.publicKey, payload);

    const seal = await opsPerSecond(() => sealHybridEnvelope(recipient.publicKey, payload), RUN);
    const open = await opsPerSecond(() => openHybridEnvelope(recipient, envelope), RUN);
    figure('hybrid seal', seal, 'ops/s', `${(1000 / seal).toFixed(3)} ms each`);
    figure('hybrid open', open, 'ops/s', `${(1000 / open).toFixed(3)} ms each`);

    heading('Baselines, same run');
    const { cipherText } = ml_kem768.encapsulate(recipient.publicKey.mlKem);
    const encapsulate = await opsPerSecond(() => ml_kem768.encapsulate(recipient.publicKey.mlKem), RUN);
    const decapsulate = await opsPerSecond(() => ml_kem768.decapsulate(cipherText, recipient.mlKem), RUN);
    figure('ML-KEM-768 encapsulate alone (noble)', encapsulate, 'ops/s', 'seal upper bound');
    figure('ML-KEM-768 decapsulate alone (noble)', decapsulate, 'ops/s', 'open upper bound');

    const nodeX25519 = await opsPerSecond(() => {
      const ephemeral = generateKeyPairSync('x25519');
      diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient.publicKey.x25519Key });
    }, RUN);
    const nobleX25519 = await opsPerSecond(() => {
      const ephemeral = x25519.utils.randomSecretKey();
      x25519.getSharedSecret(ephemeral, recipient.publicKey.x25519);
    }, RUN);
    figure('X25519 keygen + exchange, node:crypto (used)', nodeX25519, 'ops/s');
    figure('X25519 keygen + exchange, noble pure JS', nobleX25519, 'ops/s', 'alternative');
    // What a seal would cost with noble X25519 instead: swap one X25519 time for the other.
    const sealWithNoble = 1 / (1 / seal - 1 / nodeX25519 + 1 / nobleX25519);
    figure('hybrid seal if X25519 were noble (estimated)', sealWithNoble, 'ops/s', 'derived, not measured');
  },
};
