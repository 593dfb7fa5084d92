/**
 * FROST(Ed25519, SHA-512): RFC 9591's vector, signatures from DKG shares that node:crypto's
 * Ed25519 accepts, batches of precomputed nonces, a bad share named, a withholding signer
 * worked around, and signatures that survive refreshes.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nobleGroup } from '@conduits/crypto';
import {
  FrostCoordinator,
  frostPublicData,
  FrostSigner,
  KeyShare,
  NonceExhaustedError,
  Refresh,
  type SignatureShare,
  type SigningPackage,
} from '@conduits/proactive';
import { runLocally, seededRandom } from '@conduits/proactive/testing';
import { dkg } from './helpers.js';

const g = nobleGroup('ed25519');
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);

/** node:crypto (OpenSSL) Ed25519 verification: an independent verifier. */
function opensslVerifies(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const spki = Buffer.concat([
    Buffer.from('302a300506032b6570032100', 'hex'),
    Buffer.from(publicKey),
  ]);
  return nodeVerify(
    null,
    message,
    createPublicKey({ key: spki, format: 'der', type: 'spki' }),
    signature,
  );
}

interface Vector {
  config: { MIN_PARTICIPANTS: string; MAX_PARTICIPANTS: string };
  inputs: {
    participant_list: number[];
    group_public_key: string;
    message: string;
    share_polynomial_coefficients: string[];
    participant_shares: { identifier: number; participant_share: string }[];
  };
  round_one_outputs: {
    outputs: {
      identifier: number;
      hiding_nonce_randomness: string;
      binding_nonce_randomness: string;
      hiding_nonce_commitment: string;
      binding_nonce_commitment: string;
    }[];
  };
  round_two_outputs: { outputs: { identifier: number; sig_share: string }[] };
  final_output: { sig: string };
}
const here = dirname(fileURLToPath(import.meta.url));
const vector = JSON.parse(
  readFileSync(resolve(here, '../../../vectors/frost/frost-ed25519-sha512.json'), 'utf8'),
) as Vector;

describe('FROST(Ed25519, SHA-512)', () => {
  test('RFC 9591 Appendix E.1: commitments, signature shares and the signature, through our KeyShare/FrostSigner/FrostCoordinator', () => {
    const v = vector;
    const t = Number(v.config.MIN_PARTICIPANTS) - 1;
    const servers = v.inputs.participant_shares.map((p) => p.identifier);
    const a0 = g.point(hex(v.inputs.group_public_key));
    const commitments = [
      a0,
      ...v.inputs.share_polynomial_coefficients.map((c) => g.base(g.scalars.fromBytes(hex(c)))),
    ];
    const keys = v.inputs.participant_shares.map(
      (p) =>
        new KeyShare(
          g,
          p.identifier,
          t,
          servers,
          g.secretScalar(hex(p.participant_share)),
          commitments,
          0,
        ),
    );
    expect(keys.every((k) => k.verify())).toBe(true);
    const coordinator = new FrostCoordinator(frostPublicData(keys[0]!));
    const signers = new Map<number, FrostSigner>();
    for (const r of v.round_one_outputs.outputs) {
      // The RFC's nonce randomness fed as the signer's random source reproduces its nonces.
      const stream = [hex(r.hiding_nonce_randomness), hex(r.binding_nonce_randomness)];
      const signer = new FrostSigner(
        keys.find((k) => k.index === r.identifier)!,
        () => stream.shift()!,
      );
      const [c] = signer.precompute(1);
      expect(toHex(c!.hiding)).toBe(r.hiding_nonce_commitment);
      expect(toHex(c!.binding)).toBe(r.binding_nonce_commitment);
      coordinator.addCommitments([c!]);
      signers.set(r.identifier, signer);
    }
    const pkg = coordinator.package(hex(v.inputs.message), v.inputs.participant_list);
    const shares = pkg.commitments.map((c) => signers.get(c.signer)!.sign(pkg));
    for (const r of v.round_two_outputs.outputs)
      expect(toHex(shares.find((s) => s.signer === r.identifier)!.share)).toBe(r.sig_share);
    const sig = coordinator.aggregate(pkg, shares);
    expect(toHex(sig)).toBe(v.final_output.sig);
    expect(opensslVerifies(hex(v.inputs.group_public_key), hex(v.inputs.message), sig)).toBe(true);
  });

  function setup(n: number, t: number, seed: string, keys = dkg(n, t, seed)) {
    const signers = keys.map((k) => new FrostSigner(k, seededRandom(`${seed}/nonces/${k.index}`)));
    const coordinator = new FrostCoordinator(frostPublicData(keys[0]!));
    for (const s of signers) coordinator.addCommitments(s.precompute(4));
    const ask = (pkg: SigningPackage): SignatureShare[] =>
      pkg.commitments.map((c) => signers[c.signer - 1]!.sign(pkg));
    return { keys, signers, coordinator, ask };
  }

  test('DKG shares (n=5, t=2) sign; node:crypto Ed25519 verifies; nonces come from a precomputed batch and are used once', () => {
    const { keys, signers, coordinator, ask } = setup(5, 2, 'sign');
    const pk = keys[0]!.publicKey.toBytes();
    for (let i = 0; i < 4; i++) {
      const m = text(`message ${i}`);
      const { signature, excluded } = coordinator.sign(m, ask);
      expect(excluded.size).toBe(0);
      expect(opensslVerifies(pk, m, signature)).toBe(true);
      expect(opensslVerifies(pk, text('other'), signature)).toBe(false);
    }
    // Signers 1..3 signed four times: their batches of four are spent.
    expect(signers.slice(0, 3).map((s) => s.unused)).toEqual([0, 0, 0]);
    expect(coordinator.available(1)).toBe(0);
    // A package naming a spent nonce is refused by the signer (never reused).
    const pkg = {
      period: 0,
      message: text('x'),
      commitments: [
        { signer: 1, period: 0, nonce: 0, hiding: new Uint8Array(32), binding: new Uint8Array(32) },
      ],
    };
    expect(() => signers[0]!.sign(pkg)).toThrow(NonceExhaustedError);
  });

  test('a signer refuses a package that pairs its nonce with a commitment it did not make', () => {
    const { signers, coordinator } = setup(3, 1, 'swap');
    const pkg = coordinator.package(text('m'), [1, 2]);
    const forged = {
      ...pkg,
      commitments: pkg.commitments.map((c) =>
        c.signer === 1 ? { ...c, hiding: pkg.commitments[1]!.hiding } : c,
      ),
    };
    expect(() => signers[0]!.sign(forged)).toThrow(
      expect.objectContaining({ name: 'ThresholdParameterError' }),
    );
    // The nonce is spent all the same: it is never offered twice.
    expect(() => signers[0]!.sign(pkg)).toThrow(NonceExhaustedError);
  });

  test('a signer sending a bad signature share is named; signing completes with the others', () => {
    const { keys, signers, coordinator } = setup(5, 2, 'bad-share');
    const m = text('pay 10');
    const ask = (pkg: SigningPackage): SignatureShare[] =>
      pkg.commitments.map((c) => {
        const s = signers[c.signer - 1]!.sign(pkg);
        return c.signer === 2
          ? { ...s, share: g.scalars.toBytes(g.scalars.add(g.scalars.fromBytes(s.share), 1n)) }
          : s;
      });
    const { signature, excluded } = coordinator.sign(m, ask);
    expect([...excluded]).toEqual([[2, 'bad-share']]);
    expect(opensslVerifies(keys[0]!.publicKey.toBytes(), m, signature)).toBe(true);
  });

  test('a signer withholding its share: signing completes with the others (≥ t+1 honest)', () => {
    const { keys, signers, coordinator } = setup(5, 2, 'withhold');
    const m = text('withheld');
    const ask = (pkg: SigningPackage): SignatureShare[] =>
      pkg.commitments.filter((c) => c.signer !== 1).map((c) => signers[c.signer - 1]!.sign(pkg));
    const { signature, excluded } = coordinator.sign(m, ask);
    expect([...excluded]).toEqual([[1, 'withheld']]);
    expect(opensslVerifies(keys[0]!.publicKey.toBytes(), m, signature)).toBe(true);
  });

  test('with t+1 … only t honest signers left, signing fails (typed), it does not produce a bad signature', () => {
    const { signers, coordinator } = setup(3, 1, 'too-few');
    const ask = (pkg: SigningPackage): SignatureShare[] =>
      pkg.commitments.filter((c) => c.signer === 3).map((c) => signers[c.signer - 1]!.sign(pkg));
    expect(() => coordinator.sign(text('m'), ask)).toThrow(
      expect.objectContaining({ name: 'NotEnoughPartiesError' }),
    );
  });

  test('signatures made before refreshes stay valid; the refreshed shares sign under the same key; old-period packages are refused', () => {
    const keys0 = dkg(5, 2, 'across');
    const pk = keys0[0]!.publicKey.toBytes();
    const before = setup(5, 2, 'across-0', keys0);
    const m0 = text('before');
    const sig0 = before.coordinator.sign(m0, before.ask).signature;
    const parties = keys0.map(
      (k) => new Refresh({ share: k, random: seededRandom(`across-r/${k.index}`) }),
    );
    runLocally(parties);
    const keys1 = parties.map((p) => p.result());
    const after = setup(5, 2, 'across-1', keys1);
    const m1 = text('after');
    const sig1 = after.coordinator.sign(m1, after.ask).signature;
    expect(opensslVerifies(pk, m0, sig0)).toBe(true);
    expect(opensslVerifies(pk, m1, sig1)).toBe(true);
    // A period-0 commitment offered to the period-1 coordinator is not taken.
    expect(
      after.coordinator.addCommitments([
        {
          signer: 1,
          period: 0,
          nonce: 99,
          hiding: new Uint8Array(32),
          binding: new Uint8Array(32),
        },
      ]),
    ).toBe(1);
  });

  test('mobile adversary: t period-0 shares and t period-1 shares cannot sign (their shares fail verification under either period)', () => {
    const n = 5;
    const t = 2;
    const keys0 = dkg(n, t, 'mobile-sign');
    // The adversary keeps copies of servers 1, 2 in period 0.
    const stolen0 = keys0
      .slice(0, t)
      .map(
        (k) =>
          new KeyShare(
            g,
            k.index,
            k.threshold,
            k.servers,
            k.secret.clone(),
            k.commitments,
            k.period,
          ),
      );
    const parties = keys0.map(
      (k) => new Refresh({ share: k, random: seededRandom(`mobile-sign-r/${k.index}`) }),
    );
    runLocally(parties);
    const keys1 = parties.map((p) => p.result());
    // … and servers 3, 4 in period 1. It signs with servers 1 (period 0 share), 3, 4 (period 1).
    const forged = new KeyShare(
      g,
      1,
      t,
      keys1[0]!.servers,
      stolen0[0]!.secret.clone(),
      keys1[0]!.commitments,
      1,
    );
    expect(forged.verify()).toBe(false);
    const signers = [
      new FrostSigner(forged, seededRandom('f1')),
      new FrostSigner(keys1[2]!, seededRandom('f3')),
      new FrostSigner(keys1[3]!, seededRandom('f4')),
    ];
    const coordinator = new FrostCoordinator(frostPublicData(keys1[0]!));
    for (const s of signers) coordinator.addCommitments(s.precompute(1));
    const pkg = coordinator.package(text('steal'), [1, 3, 4]);
    const shares = signers.map((s) => s.sign(pkg));
    expect(() => coordinator.aggregate(pkg, shares)).toThrow(
      expect.objectContaining({ name: 'BadSignatureShareError', signers: [1] }),
    );
  });
});
