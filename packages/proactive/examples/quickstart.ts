/** The README's example, kept compiling by `pnpm typecheck`: run it with `node --import tsx examples/quickstart.ts`. */
// Five servers generate a key no one holds, sign with three of them, refresh their shares for the
// next period, and sign again; node:crypto checks both signatures as plain Ed25519.
import { createPublicKey, verify } from 'node:crypto';
import { nobleGroup } from '@conduits/crypto';
import {
  Dkg,
  FrostCoordinator,
  frostPublicData,
  FrostSigner,
  Refresh,
  type KeyShare,
} from '@conduits/proactive';
import { runLocally } from '@conduits/proactive/testing';

export function quickstart(): { publicKey: string; verified: boolean[] } {
  const group = nobleGroup('ed25519');
  const servers = [1, 2, 3, 4, 5];
  const t = 2; // any 3 sign; any 2 learn nothing

  // 1. Distributed key generation (in one process here; see ProactiveNode for the network).
  const dkg = servers.map((self) => new Dkg({ group, self, servers, threshold: t }));
  runLocally(dkg);
  let keys: KeyShare[] = dkg.map((p) => p.result());

  const sign = (message: Uint8Array): Uint8Array => {
    const signers = keys.map((k) => new FrostSigner(k));
    const coordinator = new FrostCoordinator(frostPublicData(keys[0]!));
    for (const s of signers) coordinator.addCommitments(s.precompute(1));
    return coordinator.sign(message, (pkg) =>
      pkg.commitments.map((c) => signers[c.signer - 1]!.sign(pkg)),
    ).signature;
  };
  const m0 = new TextEncoder().encode('period 0');
  const sig0 = sign(m0);

  // 2. A new period: shares of zero added to every share; old shares wiped.
  const refresh = keys.map((k) => new Refresh({ share: k }));
  runLocally(refresh);
  keys = refresh.map((p) => p.result());
  const m1 = new TextEncoder().encode('period 1');
  const sig1 = sign(m1);

  // 3. Any Ed25519 verifier accepts both, under the one unchanged key.
  const pk = keys[0]!.publicKey.toBytes();
  const key = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]),
    format: 'der',
    type: 'spki',
  });
  return {
    publicKey: Buffer.from(pk).toString('hex'),
    verified: [verify(null, m0, key, sig0), verify(null, m1, key, sig1)],
  };
}

if (process.argv[1]?.endsWith('quickstart.ts')) console.log(quickstart());
