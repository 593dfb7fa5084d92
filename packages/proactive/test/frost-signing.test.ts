/**
 * FROST signing rounds as tasks over the signed broadcast on the simulator (virtual time): every
 * server aggregates from the same broadcasts; a withholding signer (its share never comes; the
 * round deadline ends the attempt) and a signer sending a bad share are named, excluded, and the
 * next attempt signs with the others. node:crypto checks the signature as plain Ed25519.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { engines } from '@conduits/crypto';
import {
  frostPublicData,
  FrostSigner,
  FrostSigning,
  SimulatedServers,
  type FrostSigningResult,
  type RunOutcome,
  type SignatureShareMessage,
} from '@conduits/proactive';
import { runLocally, seededRandom } from '@conduits/proactive/testing';
import { dkg, range } from './helpers.js';

function ed25519Verify(pk: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]);
  return nodeVerify(
    null,
    message,
    createPublicKey({ key: spki, format: 'der', type: 'spki' }),
    signature,
  );
}

/** A misbehaving signer: `withhold` drops its shares, `corrupt` alters them (it follows the protocol otherwise). */
class Faulty extends FrostSigning {
  constructor(
    options: ConstructorParameters<typeof FrostSigning>[0],
    readonly fault: 'withhold' | 'corrupt',
  ) {
    super(options);
  }
  override advance(): ReturnType<FrostSigning['advance']> {
    const out = super.advance();
    if (this.fault === 'withhold') return out.filter((o) => o.msg.kind !== 'sig-share');
    return out.map((o) => {
      if (o.msg.kind !== 'sig-share') return o;
      const share = Uint8Array.from((o.msg as SignatureShareMessage).share);
      share[0]! ^= 1;
      return { msg: { ...(o.msg as SignatureShareMessage), share } };
    });
  }
}

const message = new TextEncoder().encode('signed over the broadcast');

describe('FROST signing as tasks over the broadcast', () => {
  test('in one process: three attempts available; all t+1 honest', () => {
    const keys = dkg(5, 2, 'fs-local');
    const runs = keys.map(
      (k) =>
        new FrostSigning({
          self: k.index,
          publicData: frostPublicData(k),
          signer: new FrostSigner(k, seededRandom(`fs-local/${k.index}`)),
          message,
        }),
    );
    runLocally(runs);
    const results = runs.map((r) => r.result());
    expect(results[0]!.signers).toEqual([1, 2, 3]);
    expect(new Set(results.map((r) => Buffer.from(r.signature).toString('hex'))).size).toBe(1);
    expect(ed25519Verify(keys[0]!.publicKey.toBytes(), message, results[0]!.signature)).toBe(true);
  });

  test('on the simulator (n=5, t=2, 5% loss): signer 2 withholds, signer 3 sends a bad share; both named, the second attempt signs with 1, 4, 5', () => {
    const keys = dkg(5, 2, 'fs-sim');
    const sim = new SimulatedServers({
      engine: engines.noble,
      servers: range(5),
      random: seededRandom('fs-sim'),
      loss: 0.05,
      roundDeadline: 1000,
    });
    const out = new Map<number, RunOutcome<FrostSigningResult>>();
    const signers = keys.map((k) => new FrostSigner(k, seededRandom(`fs-sim/${k.index}`)));
    for (const [i, node] of sim.nodes) {
      const options = {
        self: i,
        publicData: frostPublicData(keys[i - 1]!),
        signer: signers[i - 1],
        message,
      };
      const p =
        i === 2
          ? new Faulty(options, 'withhold')
          : i === 3
            ? new Faulty(options, 'corrupt')
            : new FrostSigning(options);
      node.run(1, p, 'frost-sign', (o) => out.set(i, o));
    }
    sim.scheduler.run();
    for (const i of [1, 4, 5]) {
      const o = out.get(i)!;
      expect(o.ok).toBe(true);
      expect(o.result!.signers).toEqual([1, 4, 5]);
      expect([...o.result!.excluded].sort()).toEqual([
        [2, 'withheld'],
        [3, 'bad-share'],
      ]);
      expect(o.result!.attempts).toBe(2);
      expect(ed25519Verify(keys[0]!.publicKey.toBytes(), message, o.result!.signature)).toBe(true);
    }
    expect(
      new Set([1, 4, 5].map((i) => Buffer.from(out.get(i)!.result!.signature).toString('hex')))
        .size,
    ).toBe(1);
    // The withheld share was waited for until the round deadline (virtual time), no longer.
    expect(sim.scheduler.now()).toBeGreaterThanOrEqual(1000);
    expect(sim.scheduler.now()).toBeLessThan(4000);
    // Nonces of this run are spent or destroyed: none is left for a later package.
    expect(signers.every((s) => s.unused === 0)).toBe(true);
    sim.close();
  });

  test('fewer than t+1 honest signers: the run fails with NotEnoughPartiesError at every honest server', () => {
    const keys = dkg(4, 2, 'fs-few');
    const sim = new SimulatedServers({
      engine: engines.noble,
      servers: range(4),
      random: seededRandom('fs-few'),
      roundDeadline: 500,
    });
    const out = new Map<number, RunOutcome<FrostSigningResult>>();
    for (const [i, node] of sim.nodes) {
      const options = {
        self: i,
        publicData: frostPublicData(keys[i - 1]!),
        signer: new FrostSigner(keys[i - 1]!, seededRandom(`fs-few/${i}`)),
        message,
      };
      node.run(
        1,
        i <= 2 ? new Faulty(options, 'withhold') : new FrostSigning(options),
        'frost-sign',
        (o) => out.set(i, o),
      );
    }
    sim.scheduler.run();
    for (const i of [3, 4]) {
      expect(out.get(i)!.ok).toBe(false);
      expect(out.get(i)!.error!.name).toBe('TaskRejectedError');
      expect((out.get(i)!.error as Error & { reason: string }).reason).toBe(
        'NotEnoughPartiesError',
      );
    }
    sim.close();
  });
});
