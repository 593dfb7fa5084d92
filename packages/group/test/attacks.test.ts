/**
 * Every flaw of the analysis we reproduce: the attack succeeds against the published preset
 * (so the test is shown able to fail) and fails against `repaired`, where the refusal is
 * counted by reason and an alert raised.
 */
import { attacks, runAttack, type Attack, type AttackName } from '@conduits/group/testing';

/** The refusal (counted, alerted) that stops each attack in the repaired group. */
const refusedBy: Record<AttackName, string> = {
  'ttp-pair-key-substitution': 'identity-mismatch',
  'sigma-reuse': 'aead-failed',
  'sequence-alter': 'aead-failed',
  'past-session-rekey-replay': 'signature-invalid',
  'leave-replay': 'aead-failed',
  'no-rekey-after-leave': 'hop-tag-invalid',
  'heartbeat-replay-blocked-rekey': 'replay',
  'member-heartbeat-replay': 'not-fresh',
  'unauthenticated-key-retransmit': 'bad-auth',
  'app-spoof-replay': 'hop-tag-invalid',
  'gossip-replay': 'replay',
  'forged-connection-denied': 'bad-auth',
  'mem-added-replay': 'not-fresh',
  'new-key-replay': 'not-fresh',
  'forged-req-close': 'bad-auth',
  'forged-close-connection': 'bad-auth',
  'new-member-reads-past': 'stale-epoch',
};

describe.each(Object.keys(refusedBy) as AttackName[])('%s', (name) => {
  const a: Attack = attacks[name];
  test(`succeeds against ${a.against}`, () => {
    const r = runAttack(name, a.against, 5);
    expect(r.outcome).toBeDefined();
    expect(r.succeeded).toBe(true);
  });
  for (const other of a.alsoAgainst ?? []) {
    test(`succeeds against ${other} too`, () => {
      expect(runAttack(name, other, 6).succeeded).toBe(true);
    });
  }
  test(`fails against repaired: refused (${refusedBy[name]}), alert raised`, () => {
    const r = runAttack(name, 'repaired', 5);
    expect({ succeeded: r.succeeded, outcome: r.outcome }).toEqual({
      succeeded: false,
      outcome: r.outcome,
    });
    expect(r.refusals[refusedBy[name]]).toBeGreaterThan(0);
    expect(r.alerts[refusedBy[name]]).toBeGreaterThan(0);
  });
});
